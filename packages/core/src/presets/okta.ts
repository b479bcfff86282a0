/**
 * Okta access tokens from a custom authorization server (API Access Management).
 *
 * @see https://developer.okta.com/docs/guides/validate-access-tokens/
 * @see https://developer.okta.com/docs/concepts/auth-servers/
 */
import type { VerifierOptions } from '../options.js'
import { ConfigurationError } from '../errors.js'
import { assertPresetOptions, presetResult, requireAudience, requireBaseUrl, type InsecureHttpOption } from './shared.js'

/** Options of {@link okta}. */
export interface OktaPresetOptions extends InsecureHttpOption {
  /**
   * The custom authorization server's issuer, as Security > API > Authorization Servers shows it:
   * `https://{yourOktaDomain}/oauth2/default` or `https://{yourOktaDomain}/oauth2/{authorizationServerId}`
   * (with a custom domain, the custom domain, when clients are set to use it). The org authorization server
   * (`https://{yourOktaDomain}` without `/oauth2/…`) is refused: its access tokens are meant for Okta's own
   * APIs and cannot be validated by yours. `https` (`http` only with `allowInsecureHttp`). Required.
   */
  issuer: string
  /** The authorization server's Audience setting (`api://default` for the default server). Required. */
  audience: string | readonly string[]
}

const CUSTOM_AUTHORIZATION_SERVER_PATH = /\/oauth2\/[^/]+$/

/**
 * Verifier options for access tokens of an Okta custom authorization server.
 *
 * - Issuer: exactly the configured one; discovery at `{issuer}/.well-known/openid-configuration`, keys at
 *   `{issuer}/v1/keys`.
 * - Type: Okta access tokens carry no `typ` header; accepted by the default `lenient` profile.
 * - Scopes: `scp`, an array. The client is in `cid` (not `client_id`), the user in `uid` and `sub`.
 * - An ID token is refused: its `aud` is the client id, never the authorization server's audience.
 * - Algorithms: RS256, the only one custom authorization servers sign access tokens with.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }))
 * ```
 */
export function okta(options: OktaPresetOptions): VerifierOptions {
  assertPresetOptions(options, 'okta', ['issuer', 'audience'])
  const issuer = requireBaseUrl(options.issuer, 'okta', 'issuer', options.allowInsecureHttp)
  if (issuer !== options.issuer || !CUSTOM_AUTHORIZATION_SERVER_PATH.test(new URL(issuer).pathname)) {
    throw new ConfigurationError('issuer', 'okta() "issuer" must be a custom authorization server issuer such as https://example.okta.com/oauth2/default (no trailing slash); org authorization server tokens cannot be validated by an API')
  }
  return presetResult({ issuer, audience: requireAudience(options.audience, 'okta'), scopeClaims: ['scp'] }, ['RS256'], options.allowInsecureHttp)
}
