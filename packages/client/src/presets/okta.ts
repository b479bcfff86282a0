/**
 * Okta: client-credentials tokens from a custom authorization server (API Access Management).
 *
 * @see https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/
 */
import type { TokenClientOptions } from '../options.js'
import { checkPresetOptions, optionalScope, requireBaseUrl, requireText, type CommonOptions } from './shared.js'

/** Options of {@link okta}; any other client option passes through. */
export interface OktaPresetOptions extends CommonOptions {
  /**
   * The custom authorization server's issuer, `https://{yourOktaDomain}/oauth2/default` or
   * `…/oauth2/{authorizationServerId}`, without a trailing slash, as in @tokenguard/core's `okta()`. The
   * org authorization server does not issue client-credentials tokens for custom scopes. Required.
   */
  issuer: string
  clientId: string
  clientSecret: string
  /** Custom scopes defined on the authorization server (Okta needs one unless a default scope exists). */
  scope?: string | readonly string[]
}

const OWN = ['issuer', 'clientId', 'clientSecret', 'scope']
const CUSTOM_AUTHORIZATION_SERVER_PATH = /\/oauth2\/[^/]+$/

/** Okta: token endpoint `{issuer}/v1/token`, `client_secret_basic`, custom scopes. */
export function okta(options: OktaPresetOptions): TokenClientOptions {
  checkPresetOptions(options, 'okta', OWN)
  const { issuer, clientId, clientSecret, scope, ...rest } = options
  const base = requireBaseUrl(issuer, 'okta', 'issuer')
  if (base !== issuer || !CUSTOM_AUTHORIZATION_SERVER_PATH.test(new URL(base).pathname)) {
    throw new TypeError('tokenguard: okta() "issuer" must be a custom authorization server issuer such as https://example.okta.com/oauth2/default (no trailing slash); the org authorization server does not issue client-credentials tokens for custom scopes')
  }
  const requested = optionalScope(scope, 'okta')
  return {
    auth: 'client_secret_basic',
    ...rest,
    issuer: base,
    tokenEndpoint: `${base}/v1/token`,
    clientId: requireText(clientId, 'okta', 'clientId'),
    clientSecret: requireText(clientSecret, 'okta', 'clientSecret'),
    ...(requested === undefined ? {} : { scope: requested }),
  }
}
