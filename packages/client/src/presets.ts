/**
 * Provider presets: small functions that return TokenClientOptions with the
 * provider's quirks applied. Spread more options into the result as needed.
 */
import type { TokenClientOptions } from './options.js'

type Common = Omit<TokenClientOptions, 'tokenEndpoint' | 'issuer' | 'clientId' | 'clientSecret' | 'audience' | 'scope'>

export interface Auth0PresetOptions extends Common {
  /** Tenant domain, e.g. "example.eu.auth0.com" or a custom domain (no scheme). */
  domain: string
  clientId: string
  clientSecret: string
  /** API identifier, sent as the `audience` parameter. Required by Auth0 for client credentials. */
  audience: string
  /** Optional scopes (must be granted to the application for this API). */
  scope?: string | readonly string[]
}

/**
 * Auth0: token endpoint `https://<domain>/oauth/token`, `audience` parameter,
 * JSON request body, `client_secret_post` (override `auth`/`bodyFormat` if
 * the application is configured differently).
 */
export function auth0(options: Auth0PresetOptions): TokenClientOptions {
  const { domain, clientId, clientSecret, audience, scope, ...rest } = options
  const host = domain.replace(/^https?:\/\//, '').replace(/\/+$/, '')
  if (!host || host.includes('/')) throw new TypeError('auth0: domain must be a host name like "tenant.auth0.com"')
  return {
    auth: 'client_secret_post',
    bodyFormat: 'json',
    ...rest,
    tokenEndpoint: `https://${host}/oauth/token`,
    clientId,
    clientSecret,
    audience,
    ...(scope === undefined ? {} : { scope }),
  }
}

export interface EntraIdPresetOptions extends Common {
  /** Directory (tenant) ID or verified domain. */
  tenantId: string
  clientId: string
  clientSecret: string
  /** Must be `<resource>/.default`, e.g. "api://my-api/.default". */
  scope: string
  /** Authority host for national clouds. Default "https://login.microsoftonline.com". */
  authorityHost?: string
}

/**
 * Microsoft Entra ID (v2 endpoint): token endpoint
 * `<authorityHost>/<tenantId>/oauth2/v2.0/token`, scope `<resource>/.default`,
 * `client_secret_post`.
 */
export function entraId(options: EntraIdPresetOptions): TokenClientOptions {
  const { tenantId, clientId, clientSecret, scope, authorityHost, ...rest } = options
  if (!/^[A-Za-z0-9.-]+$/.test(tenantId)) throw new TypeError('entraId: tenantId must be a tenant GUID or domain')
  if (!scope.endsWith('/.default')) {
    throw new TypeError('entraId: client-credentials scope must be "<resource>/.default"')
  }
  const authority = (authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')
  return {
    auth: 'client_secret_post',
    ...rest,
    tokenEndpoint: `${authority}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
    clientId,
    clientSecret,
    scope,
  }
}

export interface OktaPresetOptions extends Common {
  /**
   * Issuer of the Okta custom authorization server, e.g.
   * "https://example.okta.com/oauth2/default". The org authorization server
   * does not issue client-credentials tokens for custom scopes.
   */
  issuer: string
  clientId: string
  clientSecret: string
  /** Custom scopes defined on the authorization server. Okta requires at least one unless a default scope exists. */
  scope?: string | readonly string[]
}

/**
 * Okta: token endpoint `<issuer>/v1/token`, `client_secret_basic`, custom scopes.
 */
export function okta(options: OktaPresetOptions): TokenClientOptions {
  const { issuer, clientId, clientSecret, scope, ...rest } = options
  const base = issuer.replace(/\/+$/, '')
  return {
    auth: 'client_secret_basic',
    ...rest,
    issuer: base,
    tokenEndpoint: `${base}/v1/token`,
    clientId,
    clientSecret,
    ...(scope === undefined ? {} : { scope }),
  }
}
