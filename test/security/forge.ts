/**
 * Hand-crafting hostile tokens. Attack tests need tokens no JOSE library would produce (unknown `crit`,
 * `alg: none`, HMAC keyed with a public key, degenerate ECDSA signatures, duplicate JSON members), so these
 * helpers build compact JWS text byte by byte and sign with node:crypto directly.
 */
import { constants, createHmac, KeyObject, sign, type webcrypto } from 'node:crypto'
import type { CryptoKey } from 'jose'

/** Anything that can become a segment: an object (JSON-encoded), raw JSON text, or raw bytes. */
export type SegmentSource = object | string | Uint8Array

/** base64url without padding (RFC 7515 §2). */
export function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url')
}

/** Encodes one segment: objects as JSON, strings as given (so duplicate members survive), bytes verbatim. */
export function segment(source: SegmentSource): string {
  if (source instanceof Uint8Array) return b64url(source)
  return b64url(typeof source === 'string' ? source : JSON.stringify(source))
}

/** `header.payload`, the JWS signing input (RFC 7515 §5.1). */
export function signingInput(header: SegmentSource, payload: SegmentSource): string {
  return `${segment(header)}.${segment(payload)}`
}

/** A compact JWS with whatever signature bytes (or text) the attack needs. */
export function withSignature(header: SegmentSource, payload: SegmentSource, signature: Uint8Array | string): string {
  const encoded = typeof signature === 'string' ? signature : b64url(signature)
  return `${signingInput(header, payload)}.${encoded}`
}

/** HMAC-signs the input with any secret, including ones a verifier must never accept (public keys). */
export function hmacSign(header: SegmentSource, payload: SegmentSource, secret: string | Uint8Array, hash = 'sha256'): string {
  const input = signingInput(header, payload)
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}

const DIGESTS: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }

/**
 * Signs with an asymmetric private key whatever header is given, so that the header may lie about the
 * algorithm, carry unknown `crit` members or attacker URLs. `alg` picks the real signature scheme.
 */
export function asymmetricSign(header: SegmentSource, payload: SegmentSource, privateKey: CryptoKey | KeyObject, alg: string): string {
  const input = signingInput(header, payload)
  const key = privateKey instanceof KeyObject ? privateKey : keyObject(privateKey)
  const digest = DIGESTS[alg.slice(-3)]
  if (digest === undefined) throw new TypeError(`forge: no digest for ${alg}`)
  const signature = alg.startsWith('ES')
    ? sign(digest, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : alg.startsWith('PS')
      ? sign(digest, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 })
      : sign(digest, Buffer.from(input), key)
  return `${input}.${b64url(signature)}`
}

/** Same as {@link asymmetricSign} but the ECDSA signature is DER-encoded, as JOSE forbids (RFC 7518 §3.4). */
export function derEcdsaSign(header: SegmentSource, payload: SegmentSource, privateKey: CryptoKey, alg: string): string {
  const input = signingInput(header, payload)
  const signature = sign(DIGESTS[alg.slice(-3)]!, Buffer.from(input), { key: keyObject(privateKey), dsaEncoding: 'der' })
  return `${input}.${b64url(signature)}`
}

function keyObject(key: CryptoKey): KeyObject {
  return KeyObject.from(key as unknown as webcrypto.CryptoKey)
}

/** The three segments of a compact token. */
export function splitToken(token: string): [header: string, payload: string, signature: string] {
  const [header = '', payload = '', signature = ''] = token.split('.')
  return [header, payload, signature]
}

/** Replaces the signature with a different one of the same length (first character changed). */
export function tamperSignature(token: string): string {
  const [header, payload, signature] = splitToken(token)
  const first = signature.startsWith('A') ? 'B' : 'A'
  return `${header}.${payload}.${first}${signature.slice(1)}`
}

/** The token with the first octet of its signature removed (an RSA signature one octet short of the modulus). */
export function withoutFirstSignatureByte(token: string): string {
  const dot = token.lastIndexOf('.')
  return `${token.slice(0, dot + 1)}${b64url(Buffer.from(token.slice(dot + 1), 'base64url').subarray(1))}`
}

/** Replaces the claims but keeps the original signature (what an attacker who edits a token does). */
export function tamperPayload(token: string, claims: object): string {
  const [header, , signature] = splitToken(token)
  return `${header}.${segment(claims)}.${signature}`
}

/** Decodes a segment as JSON (test-side inspection only). */
export function decodeSegment(encoded: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>
}
