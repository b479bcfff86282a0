/**
 * Keycloak access tokens of one realm.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#_audience
 * @see https://www.keycloak.org/docs/latest/securing_apps/#_oidc
 */
import type { VerifierOptions } from '../options.js'
import { optionalNameList } from '../option-values.js'
import { assertPresetOptions, presetResult, requireAudience, requireBaseUrl, requireText, type InsecureHttpOption } from './shared.js'

/** Options of {@link keycloak}. */
export interface KeycloakPresetOptions extends InsecureHttpOption {
  /**
   * The server's public URL, as clients reach it and as Keycloak writes it into `iss` (its `hostname`
   * setting): `https://sso.example.com`; for servers still using the legacy `/auth` context path,
   * `https://sso.example.com/auth`. `https` (`http` only with `allowInsecureHttp`). Required.
   */
  baseUrl: string
  /** The realm's name. Required. */
  realm: string
  /**
   * This API's identifier as it appears in `aud`. Keycloak only puts a client into `aud` when an Audience
   * protocol mapper (or a client role of the API's client) says so; without one, `aud` is often just
   * `account`. Add an "Audience" mapper to the client scope the callers request. Required.
   */
  audience: string | readonly string[]
  /**
   * The realm's signature algorithm(s) (Realm settings > Tokens > Default Signature Algorithm, or a client's
   * "Access token signature algorithm"). Default is `['RS256']`, Keycloak's default.
   */
  algorithms?: readonly string[] | undefined
}

/**
 * Verifier options for Keycloak access tokens of one realm.
 *
 * - Issuer: `{baseUrl}/realms/{realm}`; discovery at `{issuer}/.well-known/openid-configuration`, keys at
 *   `{issuer}/protocol/openid-connect/certs` (the set also lists an `enc` key, which is not used).
 * - Type: header `typ` is `JWT`; the payload's own `typ` claim is `Bearer` for access tokens, `ID` for ID
 *   tokens. An ID token is refused on `aud` (the client id), provided no Audience mapper adds the API to
 *   ID tokens too.
 * - Scopes: `scope` (space-delimited). Realm and client roles sit in the nested `realm_access.roles` and
 *   `resource_access.{client}.roles`, which are not scopes; check them with a claim requirement.
 * - Algorithms: RS256 (Keycloak's default), or what `algorithms` lists for realms set to another.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(keycloak({ baseUrl: 'https://sso.example.com', realm: 'acme', audience: 'orders-api' }))
 * ```
 */
export function keycloak(options: KeycloakPresetOptions): VerifierOptions {
  assertPresetOptions(options, 'keycloak', ['baseUrl', 'realm', 'audience', 'algorithms'])
  const baseUrl = requireBaseUrl(options.baseUrl, 'keycloak', 'baseUrl', options.allowInsecureHttp)
  const realm = requireText(options.realm, 'keycloak', 'realm')
  const algorithms = optionalNameList(options.algorithms, 'algorithms', 'algorithm names') ?? ['RS256']
  const result = { issuer: `${baseUrl}/realms/${encodeURIComponent(realm)}`, audience: requireAudience(options.audience, 'keycloak'), scopeClaims: ['scope'] }
  return presetResult(result, algorithms, options.allowInsecureHttp)
}
