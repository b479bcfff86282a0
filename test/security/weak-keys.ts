/**
 * Weak, degenerate and misdeclared public keys an issuer's key set might hold, each with a token for it
 * where one can be had: forged without any private key (RSA e = 1, small-order Ed25519 points) or signed
 * by the key's real private key (1024-bit RSA, a ROCA-structured key, an off-curve copy of a real key).
 * Key hygiene must refuse every one of them, and name why.
 */
import { checkPrimeSync, createHash, createPrivateKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { asymmetricSign, b64url, signingInput, withSignature, type SegmentSource } from './forge.js'

/** One weak key: how it is published, the refusal reason expected, and a token for it if there is one. */
export interface WeakKeyCase {
  name: string
  kid: string
  jwk: JWK
  /** What the `key_rejected` event's reason must say. */
  reason: RegExp
  /** A token whose signature this key "verifies" (forged or really signed), for claims and extra header members. */
  token?: (claims: SegmentSource) => string
}

const b64 = (value: bigint, length?: number): string => {
  const hex = value.toString(16)
  const padded = hex.padStart(length === undefined ? hex.length + (hex.length % 2) : length * 2, '0')
  return Buffer.from(padded, 'hex').toString('base64url')
}
const big = (encoded: string): bigint => BigInt(`0x${Buffer.from(encoded, 'base64url').toString('hex') || '0'}`)

function rsaPublic(modulusLength = 2048): { jwk: JWK; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength })
  return { jwk: publicKey.export({ format: 'jwk' }) as JWK, privateKey }
}

// PKCS#1 v1.5 DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/** With e = 1, `s^e mod n = s`: the "signature" is the padded digest itself (RFC 8017 §9.2 EMSA-PKCS1-v1_5). */
function forgeWithExponentOne(kid: string, modulusBytes: number): (claims: SegmentSource) => string {
  return (claims) => {
    const header = { alg: 'RS256', kid, typ: 'at+jwt' }
    const digest = createHash('sha256').update(signingInput(header, claims)).digest()
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, digest])
    const encoded = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(modulusBytes - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo])
    return withSignature(header, claims, encoded)
  }
}


function signedBy(privateKey: KeyObject, kid: string, alg: string): (claims: SegmentSource) => string {
  return (claims) => asymmetricSign({ alg, kid, typ: 'at+jwt' }, claims, privateKey, alg)
}

// ROCA: primes p = k·M + (65537^a mod M), M the product of the primes 2 … 167 (the part of the
// vulnerable library's primorial that the fingerprint tests).
const ROCA_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167]
const M = ROCA_PRIMES.reduce((product, prime) => product * BigInt(prime), 1n)

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) if (e & 1n) result = (result * b) % modulus
  return result
}

function modInverse(value: bigint, modulus: bigint): bigint {
  let [a, b, x, y] = [value % modulus, modulus, 1n, 0n]
  while (b !== 0n) {
    const q = a / b
    ;[a, b, x, y] = [b, a - q * b, y, x - q * y]
  }
  return ((x % modulus) + modulus) % modulus
}

function randomBigInt(bits: number): bigint {
  const bytes = Buffer.alloc(Math.ceil(bits / 8))
  crypto.getRandomValues(bytes)
  return big(bytes.toString('base64url')) >> BigInt(bytes.length * 8 - bits)
}

// k is drawn so that p lies in [√2·2^1023, 2^1024): the product of two such primes has exactly 2048 bits.
const K_LOW = (2n ** 1023n * 1414213563n) / 1000000000n / M + 1n
const K_HIGH = 2n ** 1024n / M - 1n

function rocaPrime(): bigint {
  for (;;) {
    const k = K_LOW + (randomBigInt(1024) % (K_HIGH - K_LOW))
    const p = k * M + modPow(65537n, randomBigInt(64), M)
    if ((p - 1n) % 65537n !== 0n && checkPrimeSync(p)) return p
  }
}

/** A 2048-bit RSA key with the ROCA structure, and its private key. */
export function rocaKey(): { jwk: JWK; privateKey: KeyObject } {
  const [p, q] = [rocaPrime(), rocaPrime()]
  const n = p * q
  const e = 65537n
  const d = modInverse(e, (p - 1n) * (q - 1n))
  const jwk = { kty: 'RSA', n: b64(n), e: b64(e) }
  const privateJwk = { ...jwk, d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(modInverse(q, p)) }
  return { jwk, privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }) }
}

// Ed25519 small-order points (RFC 8032 §5.1.3 encodings): identity (0, 1), order 2 (0, −1), order 4 (±√−1, 0).
const ED25519_P = 2n ** 255n - 19n
const littleEndian = (value: bigint, sign = 0): Buffer => {
  const bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse()
  bytes[31]! |= sign << 7
  return bytes
}
const SMALL_ORDER_POINTS = { identity: littleEndian(1n), 'order 2': littleEndian(ED25519_P - 1n), 'order 4': littleEndian(0n), 'order 4, other sign': littleEndian(0n, 1) }

// With A the identity, the S = 0 signature verifies every message on a runtime that accepts small-order keys.
const runtimeAcceptsSmallOrderForgeries = verify(
  null,
  Buffer.from('probe'),
  { key: { kty: 'OKP', crv: 'Ed25519', x: SMALL_ORDER_POINTS.identity.toString('base64url') }, format: 'jwk' },
  Buffer.concat([SMALL_ORDER_POINTS.identity, Buffer.alloc(32)]),
)

/**
 * `[S]B = R + [k]A` with S = 0 and R = the identity holds whenever [k]A is the identity: always for A the
 * identity, for k even when A has order 2… Forged by retrying claims (a new `jti`) until it verifies.
 */
function forgeSmallOrder(kid: string, point: Buffer): (claims: SegmentSource) => string {
  const publicKey = { key: { kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') }, format: 'jwk' } as const
  const signature = Buffer.concat([SMALL_ORDER_POINTS.identity, Buffer.alloc(32)])
  return (claims) => {
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' }
    let payload: SegmentSource = claims
    for (let attempt = 0; attempt < 64; attempt++) {
      payload = typeof claims === 'object' && !(claims instanceof Uint8Array) ? { ...claims, jti: `forged-${attempt}-${Math.random()}` } : claims
      if (verify(null, Buffer.from(signingInput(header, payload)), publicKey, signature)) return withSignature(header, payload, signature)
    }
    // Newer OpenSSL (Node 24) refuses small-order public keys itself, so no forgery verifies there; the
    // candidate must still be refused (and the key_rejected test shows tokenguard drops the key on its own).
    if (!runtimeAcceptsSmallOrderForgeries) return withSignature(header, payload, signature)
    throw new Error(`no forgery for the ${kid} point in 64 attempts`)
  }
}

async function ecKey(crv: 'P-256' | 'P-384' | 'P-521'): Promise<{ jwk: JWK; privateKey: KeyObject }> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: crv })
  return { jwk: publicKey.export({ format: 'jwk' }) as JWK, privateKey }
}

function flipLastBit(encoded: string): string {
  const bytes = Buffer.from(encoded, 'base64url')
  bytes[bytes.length - 1]! ^= 1
  return b64url(bytes)
}

let cases: Promise<WeakKeyCase[]> | undefined

/** Every weak key case; generated once per process (RSA generation is the slow part). */
export function weakKeyCases(): Promise<WeakKeyCase[]> {
  cases ??= buildCases()
  return cases
}

async function buildCases(): Promise<WeakKeyCase[]> {
  const small = rsaPublic(1024)
  const roca = rocaKey()
  const p256 = await ecKey('P-256')
  const rsa = rsaPublic()
  const { publicKey: okpPublic } = await generateKeyPair('Ed25519', { extractable: true })
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }) as JWK
  // Exponent variants share one modulus: e = 1 forges with any modulus.
  const withExponent = (kid: string, e: bigint): JWK => ({ kty: 'RSA', n: rsa.jwk.n!, e: b64(e), kid, use: 'sig' })
  return [
    { name: 'RSA public exponent 1 (the signature is the padded digest)', kid: 'weak-e1', jwk: withExponent('weak-e1', 1n), reason: /public exponent 1 /, token: forgeWithExponentOne('weak-e1', 256) },
    { name: 'RSA public exponent 2', kid: 'weak-e2', jwk: withExponent('weak-e2', 2n), reason: /public exponent 2 \(at least 3 needed\)/ },
    { name: 'RSA public exponent 65536 (even)', kid: 'weak-e65536', jwk: withExponent('weak-e65536', 65536n), reason: /public exponent 65536 is even/ },
    { name: 'RSA public exponent 2^256 + 1 (too large)', kid: 'weak-ehuge', jwk: withExponent('weak-ehuge', 2n ** 256n + 1n), reason: /exponent of 257 bits is too large/ },
    { name: 'RSA modulus of 1024 bits', kid: 'weak-rsa1024', jwk: { ...small.jwk, kid: 'weak-rsa1024', alg: 'RS256' }, reason: /modulus of 1024 bits, fewer than 2048/, token: signedBy(small.privateKey, 'weak-rsa1024', 'RS256') },
    { name: 'RSA modulus with the ROCA fingerprint (CVE-2017-15361)', kid: 'weak-roca', jwk: { ...roca.jwk, kid: 'weak-roca', alg: 'RS256' }, reason: /ROCA fingerprint/, token: signedBy(roca.privateKey, 'weak-roca', 'RS256') },
    { name: 'RSA modulus divisible by 3', kid: 'weak-n3', jwk: { ...rsa.jwk, n: b64(3n * big(rsa.jwk.n!)), kid: 'weak-n3' }, reason: /divisible by 3/ },
    { name: 'EC P-256 point off the curve (a real key, one bit of y flipped)', kid: 'weak-offcurve', jwk: { ...p256.jwk, y: flipLastBit(p256.jwk.y!), kid: 'weak-offcurve' }, reason: /not on P-256/, token: signedBy(p256.privateKey, 'weak-offcurve', 'ES256') },
    { name: 'EC P-256 coordinates labelled P-384', kid: 'weak-relabelled', jwk: { ...p256.jwk, crv: 'P-384', kid: 'weak-relabelled' }, reason: /P-384 must be 48 bytes/ },
    { name: 'EC P-256 x with a leading zero byte', kid: 'weak-padded', jwk: { ...p256.jwk, x: b64url(Buffer.concat([Buffer.alloc(1), Buffer.from(p256.jwk.x!, 'base64url')])), kid: 'weak-padded' }, reason: /must be 32 bytes/ },
    ...Object.entries(SMALL_ORDER_POINTS).map(([label, point]): WeakKeyCase => {
      const kid = `weak-ed25519-${label.replace(/[^a-z0-9]+/g, '-')}`
      const forgeable = label === 'identity' || label === 'order 2'
      return { name: `Ed25519 small-order point (${label})`, kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url'), kid }, reason: /small order/, ...(forgeable ? { token: forgeSmallOrder(kid, point) } : {}) }
    }),
    { name: 'Ed25519 y not below the field prime (non-canonical)', kid: 'weak-ed25519-noncanonical', jwk: { kty: 'OKP', crv: 'Ed25519', x: littleEndian(ED25519_P).toString('base64url'), kid: 'weak-ed25519-noncanonical' }, reason: /not canonically encoded/ },
    { name: 'OKP X25519 (a key-agreement key)', kid: 'weak-x25519', jwk: { ...x25519, kid: 'weak-x25519' }, reason: /key type "OKP" on curve "X25519" is not supported/ },
    { name: 'a private RSA key ("d" published)', kid: 'weak-private', jwk: { ...(rsa.privateKey.export({ format: 'jwk' }) as JWK), kid: 'weak-private', alg: 'RS256' }, reason: /private key material \("d"\)/, token: signedBy(rsa.privateKey, 'weak-private', 'RS256') },
    { name: 'a symmetric key (kty "oct")', kid: 'weak-oct', jwk: { kty: 'oct', k: b64url(Buffer.alloc(32, 7)), kid: 'weak-oct', alg: 'HS256' }, reason: /symmetric key/ },
    { name: 'an encryption key (use "enc")', kid: 'weak-enc', jwk: { ...rsa.jwk, kid: 'weak-enc', use: 'enc' }, reason: /"use" is "enc"/, token: signedBy(rsa.privateKey, 'weak-enc', 'RS256') },
    { name: 'key_ops without "verify"', kid: 'weak-ops', jwk: { ...rsa.jwk, kid: 'weak-ops', key_ops: ['encrypt'] }, reason: /key_ops/, token: signedBy(rsa.privateKey, 'weak-ops', 'RS256') },
    { name: 'alg "RSA-OAEP" (an encryption algorithm) on an RSA key', kid: 'weak-oaep', jwk: { ...rsa.jwk, kid: 'weak-oaep', alg: 'RSA-OAEP' }, reason: /"alg" "RSA-OAEP" is not a signature algorithm for an RSA key/ },
    { name: 'alg "ES256" on an RSA key', kid: 'weak-es-on-rsa', jwk: { ...rsa.jwk, kid: 'weak-es-on-rsa', alg: 'ES256' }, reason: /"alg" "ES256" is not a signature algorithm for an RSA key/ },
    { name: 'alg "HS256" on an RSA key', kid: 'weak-hs-on-rsa', jwk: { ...rsa.jwk, kid: 'weak-hs-on-rsa', alg: 'HS256' }, reason: /"alg" "HS256"/ },
    { name: 'alg "ES256" on an Ed25519 key', kid: 'weak-es-on-okp', jwk: { ...(await exportJWK(okpPublic)), kid: 'weak-es-on-okp', alg: 'ES256' }, reason: /for an OKP Ed25519 key/ },
  ]
}
