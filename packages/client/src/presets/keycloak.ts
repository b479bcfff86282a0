/**
 * Keycloak: client-credentials tokens ("Service accounts roles" enabled on a confidential client) of one realm.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#_service_accounts
 */
import type { TokenClientOptions } from '../options.js'
import { checkPresetOptions, optionalScope, requireBaseUrl, requireText, type CommonOptions } from './shared.js'

/** Options of {@link keycloak}; any other client option passes through. */
export interface KeycloakPresetOptions extends CommonOptions {
  /**
   * The server's public URL, as in @tokenguard/core's `keycloak()`: `https://sso.example.com`, or
   * `https://sso.example.com/auth` for servers on the legacy `/auth` context path. Required.
   */
  baseUrl: string
  /** The realm's name. Required. */
  realm: string
  clientId: string
  clientSecret: string
  /** Client scopes to request. Default: the client's default scopes. */
  scope?: string | readonly string[]
}

const OWN = ['baseUrl', 'realm', 'clientId', 'clientSecret', 'scope']

/**
 * Keycloak: issuer `{baseUrl}/realms/{realm}`, token endpoint `{issuer}/protocol/openid-connect/token`,
 * `client_secret_basic` (Keycloak's "Client Id and Secret" accepts both basic and post).
 */
export function keycloak(options: KeycloakPresetOptions): TokenClientOptions {
  checkPresetOptions(options, 'keycloak', OWN)
  const { baseUrl, realm, clientId, clientSecret, scope, ...rest } = options
  const issuer = `${requireBaseUrl(baseUrl, 'keycloak', 'baseUrl')}/realms/${encodeURIComponent(requireText(realm, 'keycloak', 'realm'))}`
  const requested = optionalScope(scope, 'keycloak')
  return {
    auth: 'client_secret_basic',
    ...rest,
    issuer,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    clientId: requireText(clientId, 'keycloak', 'clientId'),
    clientSecret: requireText(clientSecret, 'keycloak', 'clientSecret'),
    ...(requested === undefined ? {} : { scope: requested }),
  }
}
