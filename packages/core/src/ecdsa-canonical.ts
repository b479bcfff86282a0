/**
 * ECDSA signatures are malleable: when (r, s) verifies, so does (r, n − s), and issuers produce both forms.
 * An ES256/384/512 token therefore has a twin string that verifies as well; anything keyed on token text
 * (the verified-token cache, a deny list) keys ES* tokens on the low-s form (s ≤ n/2) instead.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.4 (JWS ECDSA signature: r ‖ s, fixed length)
 */
import { base64url } from 'jose'
import { bigIntOf, bytesOf } from './big-int.js'

// Curve orders n (SEC 2 §2.4.2, §2.5.1, §2.6.1) and the byte length of r and of s.
const ORDERS: Readonly<Record<string, { size: number; n: bigint }>> = {
  ES256: { size: 32, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  ES384: { size: 48, n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n },
  ES512: {
    size: 66,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
}

/** Whether `alg` is an ECDSA algorithm, whose tokens have a twin. */
export function isEcdsa(alg: unknown): boolean {
  return typeof alg === 'string' && Object.hasOwn(ORDERS, alg)
}

/**
 * The token with its ECDSA signature in low-s form (itself when already low-s, or when it is not an ES*
 * token of the right signature length). Both twins of a token give the same string.
 */
export function canonicalEcdsaToken(token: string, alg: string): string {
  const curve = ORDERS[alg]
  const dot = token.lastIndexOf('.')
  if (curve === undefined || dot < 0) return token
  let signature: Uint8Array
  try {
    signature = base64url.decode(token.slice(dot + 1))
  } catch {
    return token
  }
  if (signature.length !== 2 * curve.size) return token
  const s = bigIntOf(signature.subarray(curve.size))
  if (s === 0n || s >= curve.n || s <= curve.n / 2n) return token
  const canonical = new Uint8Array(signature)
  canonical.set(bytesOf(curve.n - s, curve.size), curve.size)
  return `${token.slice(0, dot + 1)}${base64url.encode(canonical)}`
}

/** Whether two distinct ES* token strings are twins: the same signing input and r, and s + s' = n. */
export function areEcdsaTwins(a: string, b: string, alg: string): boolean {
  return a.length === b.length && canonicalEcdsaToken(a, alg) === canonicalEcdsaToken(b, alg)
}
