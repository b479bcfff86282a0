/**
 * Microsoft Entra ID (formerly Azure AD): client-credentials tokens from the v2 endpoint.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import type { TokenClientOptions } from '../options.js'
import { checkPresetOptions, requireBaseUrl, requireText, type CommonOptions } from './shared.js'

/** Options of {@link entraId}; any other client option passes through. */
export interface EntraIdPresetOptions extends CommonOptions {
  /**
   * The directory (tenant) id, a GUID, as in @tokenguard/core's `entraId()`. The `common`,
   * `organizations` and `consumers` aliases are refused: client credentials need a tenant. Required.
   */
  tenantId: string
  clientId: string
  clientSecret: string
  /** Must be `<resource>/.default`, e.g. `api://orders-api/.default`. Required. */
  scope: string
  /**
   * Replaces `https://login.microsoftonline.com`, for a national cloud's login host (e.g.
   * `https://login.microsoftonline.us`) or a local stand-in in tests. Same name as in @tokenguard/core
   * (formerly `authorityHost` here). Default is `https://login.microsoftonline.com`.
   */
  loginBaseUrl?: string
}

const OWN = ['tenantId', 'clientId', 'clientSecret', 'scope', 'loginBaseUrl']
const RENAMED = { authorityHost: 'loginBaseUrl' }
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Entra ID: token endpoint `{loginBaseUrl}/{tenantId}/oauth2/v2.0/token`, scope `<resource>/.default`,
 * `client_secret_post`. The app permissions granted appear in the token's `roles` claim.
 */
export function entraId(options: EntraIdPresetOptions): TokenClientOptions {
  checkPresetOptions(options, 'entraId', OWN, RENAMED)
  const { tenantId, clientId, clientSecret, scope, loginBaseUrl, ...rest } = options
  const tenant = requireText(tenantId, 'entraId', 'tenantId')
  if (!TENANT_ID.test(tenant)) {
    throw new TypeError('tokenguard: entraId() "tenantId" must be the directory (tenant) id, a GUID; aliases such as "common" cannot issue client-credentials tokens')
  }
  if (!requireText(scope, 'entraId', 'scope').endsWith('/.default')) {
    throw new TypeError('tokenguard: entraId() "scope" must be "<resource>/.default" for client credentials, e.g. "api://orders-api/.default"')
  }
  const login = loginBaseUrl === undefined ? 'https://login.microsoftonline.com' : requireBaseUrl(loginBaseUrl, 'entraId', 'loginBaseUrl')
  return {
    auth: 'client_secret_post',
    ...rest,
    tokenEndpoint: `${login}/${tenant.toLowerCase()}/oauth2/v2.0/token`,
    clientId: requireText(clientId, 'entraId', 'clientId'),
    clientSecret: requireText(clientSecret, 'entraId', 'clientSecret'),
    scope,
  }
}
