/**
 * Key identity. A key is the same key when its RFC 7638 thumbprint input — the required public members
 * in lexicographic order, nothing else — is the same, whatever the order of the set's members, the order
 * of each member's JSON fields, or the optional fields around them. The identity adds the `kid` (a token
 * names its key by it) and the algorithm the key is bound to (what it verifies): a change of either is a
 * key leaving the set and another arriving.
 *
 * The thumbprint input is used as it is, without the SHA-256 of §3.1: hashing would only shorten it, and
 * would need the asynchronous WebCrypto digest where key sets are loaded synchronously (snapshot import).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
import type { JWK } from 'jose'

// RFC 7638 §3.2: the required members of each key type, already in lexicographic order.
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
}

/** The JSON text whose SHA-256 is the key's RFC 7638 thumbprint (for the key types tokenguard accepts). */
export function thumbprintInput(jwk: JWK): string {
  const members = REQUIRED_MEMBERS[jwk.kty!] ?? []
  const record = jwk as unknown as Record<string, unknown>
  return `{${members.map((name) => `${JSON.stringify(name)}:${JSON.stringify(record[name])}`).join(',')}}`
}

/**
 * The identity of a key as it verifies tokens for one issuer: `namespace` (the issuer or key set URL, so
 * that no issuer can name another's keys), `kid`, bound algorithm, thumbprint input.
 */
export function keyIdentity(namespace: string, jwk: JWK, alg: string): string {
  return JSON.stringify([namespace, jwk.kid ?? null, alg, thumbprintInput(jwk)])
}
