/**
 * Explicit typing (RFC 8725 §3.11, RFC 9068 §2.1, §4): an access token is never accepted when it says it
 * is another kind of JWT (an ID token, a DPoP proof, a logout token…), so that one kind cannot stand in
 * for another.
 */
import type { JWTHeaderParameters } from 'jose'

const ACCESS_TOKEN_TYPE = 'at+jwt'
const GENERIC_TYPE = 'jwt'

/**
 * The `typ` header, lower-cased and without an `application/` prefix (RFC 7515 §4.1.9), or `undefined`
 * when absent; a non-string `typ` normalises to `''`, which no rule accepts.
 */
export function normalizedType(header: JWTHeaderParameters): string | undefined {
  const typ: unknown = header.typ
  if (typ === undefined) return undefined
  if (typeof typ !== 'string') return ''
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

/**
 * Whether the token's declared type is acceptable. Under `rfc9068` only `at+jwt`; otherwise also untyped
 * and plain `JWT` tokens, which Auth0, Entra ID, Cognito and others issue as access tokens.
 */
export function isAcceptedType(header: JWTHeaderParameters, profile: 'lenient' | 'rfc9068'): boolean {
  const type = normalizedType(header)
  if (type === ACCESS_TOKEN_TYPE) return true
  return profile === 'lenient' && (type === undefined || type === GENERIC_TYPE)
}
