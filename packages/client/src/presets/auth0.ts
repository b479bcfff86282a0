/**
 * Auth0: client-credentials tokens for a custom API.
 *
 * @see https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow
 */
import type { TokenClientOptions } from '../options.js'
import { checkPresetOptions, optionalScope, requireBaseUrl, requireHost, requireText, type CommonOptions } from './shared.js'

/** Options of {@link auth0}; any other client option (`auth`, `bodyFormat`, `store`, …) passes through. */
export interface Auth0PresetOptions extends CommonOptions {
  /**
   * The tenant's domain (`my-tenant.eu.auth0.com`) or custom domain: a host name only, without `https://`
   * or a path, as in @tokenguard/core's `auth0()`. Required.
   */
  domain: string
  clientId: string
  clientSecret: string
  /** The API's Identifier, sent as the `audience` parameter; Auth0 requires it for client credentials. Required. */
  audience: string
  /** Scopes to request (they must be granted to the application for this API). Default: none. */
  scope?: string | readonly string[]
  /**
   * Replaces `https://{domain}`, e.g. a local stand-in in tests (plain http then needs
   * `allowInsecureHttp: true`). Default is `https://{domain}`.
   */
  baseUrl?: string
}

const OWN = ['domain', 'clientId', 'clientSecret', 'audience', 'scope', 'baseUrl']

/**
 * Auth0: token endpoint `https://{domain}/oauth/token`, the `audience` parameter, a JSON body and
 * `client_secret_post` (pass `bodyFormat: 'form'` or `auth: 'client_secret_basic'` if the application is
 * set up that way). An Auth0 Organization goes in `extraParams: { organization: 'org_…' }`.
 */
export function auth0(options: Auth0PresetOptions): TokenClientOptions {
  checkPresetOptions(options, 'auth0', OWN)
  const { domain, clientId, clientSecret, audience, scope, baseUrl, ...rest } = options
  const host = requireHost(domain, 'auth0', 'domain')
  const base = baseUrl === undefined ? `https://${host}` : requireBaseUrl(baseUrl, 'auth0', 'baseUrl')
  const requested = optionalScope(scope, 'auth0')
  return {
    auth: 'client_secret_post',
    bodyFormat: 'json',
    ...rest,
    tokenEndpoint: `${base}/oauth/token`,
    clientId: requireText(clientId, 'auth0', 'clientId'),
    clientSecret: requireText(clientSecret, 'auth0', 'clientSecret'),
    audience: requireText(audience, 'auth0', 'audience'),
    ...(requested === undefined ? {} : { scope: requested }),
  }
}
