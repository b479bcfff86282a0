/**
 * Auth0 access tokens for a custom API.
 *
 * @see https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 * @see https://auth0.com/docs/secure/tokens/access-tokens/validate-access-tokens
 */
import type { VerifierOptions } from '../options.js'
import { assertPresetOptions, presetResult, requireAudience, requireBaseUrl, requireHost, type InsecureHttpOption } from './shared.js'

/** Options of {@link auth0}. */
export interface Auth0PresetOptions extends InsecureHttpOption {
  /**
   * The tenant's domain as the Auth0 Dashboard shows it (`my-tenant.eu.auth0.com`), or the tenant's custom
   * domain when tokens are requested through it: Auth0 writes the domain the token was requested on into
   * `iss`. A host name only, without `https://` or a path. Required.
   */
  domain: string
  /**
   * The API's Identifier (Dashboard > Applications > APIs), which Auth0 writes into `aud`. When the client
   * also asked for `openid`, `aud` is an array that adds `https://{domain}/userinfo`; the check only needs
   * the API's own identifier to be in it. Required.
   */
  audience: string | readonly string[]
  /**
   * Replaces `https://{domain}` as the issuer's location, e.g. a local conformance issuer in tests. The
   * issuer stays `{baseUrl}/`, with the trailing slash Auth0 uses. `https` (`http` only with
   * `allowInsecureHttp`). Default is `https://{domain}`.
   */
  baseUrl?: string | undefined
}

/** What Auth0 signs access tokens for an API with (the API's Signing Algorithm); HS256 needs `secret`, not a preset. */
const AUTH0_ALGORITHMS = ['RS256', 'PS256']

/**
 * Verifier options for Auth0 access tokens issued for one API.
 *
 * - Issuer: `https://{domain}/`, **with** the trailing slash; discovery at
 *   `https://{domain}/.well-known/openid-configuration`, keys at `https://{domain}/.well-known/jwks.json`.
 * - Type: `at+jwt` when the API uses the RFC 9068 token profile, `JWT` with the default Auth0 profile;
 *   both are accepted (the default `lenient` profile). Add `profile: 'rfc9068'` only for RFC 9068 APIs.
 * - Scopes: `scope` (space-delimited) merged with `permissions` (an array, present when the API has RBAC
 *   and "Add Permissions in the Access Token" on).
 * - An ID token is refused: its `aud` is the application's client id, never the API identifier.
 * - Algorithms: RS256 and PS256, the asymmetric signing algorithms an Auth0 API can use.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(auth0({ domain: 'my-tenant.eu.auth0.com', audience: 'https://api.example.com' }))
 * ```
 */
export function auth0(options: Auth0PresetOptions): VerifierOptions {
  assertPresetOptions(options, 'auth0', ['domain', 'audience', 'baseUrl'])
  const domain = requireHost(options.domain, 'auth0', 'domain')
  const audience = requireAudience(options.audience, 'auth0')
  const base = options.baseUrl === undefined ? `https://${domain}` : requireBaseUrl(options.baseUrl, 'auth0', 'baseUrl', options.allowInsecureHttp)
  return presetResult({ issuer: `${base}/`, audience, scopeClaims: ['scope', 'permissions'] }, AUTH0_ALGORITHMS, options.allowInsecureHttp)
}
