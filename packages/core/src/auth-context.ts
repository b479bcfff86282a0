/**
 * What a verified token says, as every layer sees it. Its own module so that the issuer check, the request
 * pipeline and the verifier can all name it without importing each other.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose'

/** Claims of a JWT access token (RFC 9068 §2.2) plus the scope claims providers use. */
export interface AccessTokenClaims extends JWTPayload {
  scope?: string
  client_id?: string
  scp?: string | string[]
  permissions?: string[]
  roles?: string[]
}

/**
 * What a verified token says. `TClaims` types the application's own claims. Shared between requests through
 * the verified-token cache, so it is deeply frozen.
 */
export interface AuthContext<TClaims extends object = Record<string, unknown>> {
  /** The raw access token (e.g. to call a downstream API on the caller's behalf). */
  readonly token: string
  /**
   * The token's protected header; empty (`{}`) for an opaque token checked by introspection (RFC 7662),
   * which has none, so `alg` and the other members may be absent.
   */
  readonly header: Partial<JWTHeaderParameters>
  /** The verified claims. */
  readonly claims: AccessTokenClaims & TClaims
  /** The granted scopes, merged from the configured scope claims. */
  readonly scopes: ReadonlySet<string>
}
