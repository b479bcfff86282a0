/**
 * The JWT verification engine on Node: jose's `jwtVerify` with one step done natively. jose verifies with
 * WebCrypto (~60 µs for RS256 here, against ~22 µs for a one-shot `node:crypto` verify, most of it WebCrypto's
 * own argument handling and key checks). This engine runs the signature check with `node:crypto`, a
 * `KeyObject` made once per key, on the thread pool as WebCrypto does, and leaves everything else to jose:
 *
 * - Anything off the common path is handed to jose whole, before or after the key is resolved: a token that
 *   is not canonical compact JWS; a header that is not plain JSON or carries `crit` or `b64`; an algorithm
 *   outside the allowlist or the table below (ES384, ES512, RSA over 4096 bits); options with `crit` or `typ`; a key that is not a public (for HMAC, secret) CryptoKey
 *   of exactly the algorithm jose would require. jose then decides, with its own error.
 * - The claims set is validated by jose's own claims validation, reached through `UnsecuredJWT.decode` on
 *   the verified payload (the only public entry to it): the same code, options and error classes as
 *   `jwtVerify`.
 *
 * No cryptography and no base64url of its own: `node:crypto` verifies, `Buffer` decodes what
 * `compact-syntax.ts` has already proved canonical. `test/security/differential*.test.ts` runs the attack
 * corpus, every Wycheproof vector and mutated tokens through both engines and fails on any disagreement.
 * Only this file of core imports a Node built-in; the `imports` map gives it to Node alone.
 */
import { constants, createHmac, createSecretKey, KeyObject, timingSafeEqual, verify, type VerifyKeyObjectInput } from 'node:crypto'
import { types } from 'node:util'
import { errors, jwtVerify, UnsecuredJWT, type CryptoKey, type JWTHeaderParameters, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult, type ProtectedHeaderParameters, type ResolvedKey } from 'jose'
import { isCanonicalCompactJws } from './compact-syntax.js'
import { deepFreeze } from './deep-freeze.js'
import { decodeUnverified as decodeWithJose } from './jwt-verify-jose.js'
import { secretBytesOf } from './secret-bytes.js'

/** Which engine verifies signatures in this process (`jwt-verify-jose.ts` is the other). */
export const SIGNATURE_ENGINE: 'jose' | 'node:crypto' = 'node:crypto'

/** How many verifications took the native signature step, and how many were handed to jose whole. */
export const engineRoutes = { native: 0, jose: 0 }

/** What jose requires of a CryptoKey for an algorithm (its `checkCryptoKey`), and how `node:crypto` checks it. */
interface NativeAlgorithm {
  name: string
  hash?: string
  namedCurve?: string
  check(data: Buffer, key: KeyObject, signature: Buffer): boolean | Promise<boolean>
}

/**
 * `node:crypto`'s one-shot verify in its callback form, which runs on libuv's thread pool as WebCrypto does: the
 * event loop stays free for requests while the check runs. Measured under load on 2 cores (Fastify, every token
 * new): 5044 req/s against 4042 for the synchronous form. A check that fails to run is a signature that does not
 * verify.
 */
function verifyOnPool(digest: string | null, data: Buffer, key: VerifyKeyObjectInput | KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve) => verify(digest, data, key, signature, (error, valid) => resolve(error === null && valid)))
}

// Where the check itself dominates — ES384 (~10× ES256), ES512 (~30×), RSA keys over 4096 bits — what this path
// saves is noise: those stay on jose's path, the reference.
const MAX_NATIVE_RSA_BITS = 4096
const ALGORITHMS: Readonly<Record<string, NativeAlgorithm>> = {
  HS256: hmac(256),
  HS384: hmac(384),
  HS512: hmac(512),
  RS256: rsa('RSASSA-PKCS1-v1_5', 256),
  RS384: rsa('RSASSA-PKCS1-v1_5', 384),
  RS512: rsa('RSASSA-PKCS1-v1_5', 512),
  PS256: rsa('RSA-PSS', 256, 32),
  PS384: rsa('RSA-PSS', 384, 48),
  PS512: rsa('RSA-PSS', 512, 64),
  ES256: ecdsa('P-256', 256),
  EdDSA: eddsa(),
  Ed25519: eddsa(),
}

function hmac(bits: number): NativeAlgorithm {
  const digest = `sha${bits}`
  return {
    name: 'HMAC',
    hash: `SHA-${bits}`,
    check: (data, key, signature) => {
      const expected = createHmac(digest, key).update(data).digest()
      return expected.length === signature.length && timingSafeEqual(expected, signature)
    },
  }
}

function rsa(name: string, bits: number, saltLength?: number): NativeAlgorithm {
  const digest = `sha${bits}`
  const padding = saltLength === undefined ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_PSS_PADDING
  return { name, hash: `SHA-${bits}`, check: (data, key, signature) => verifyOnPool(digest, data, { key, padding, saltLength } as VerifyKeyObjectInput, signature) }
}

function ecdsa(namedCurve: string, bits: number): NativeAlgorithm {
  const digest = `sha${bits}`
  // JWS carries r || s (RFC 7518 §3.4); WebCrypto's ECDSA takes the same form.
  return { name: 'ECDSA', namedCurve, check: (data, key, signature) => verifyOnPool(digest, data, { key, dsaEncoding: 'ieee-p1363' }, signature) }
}

function eddsa(): NativeAlgorithm {
  return { name: 'Ed25519', check: (data, key, signature) => verifyOnPool(null, data, key, signature) }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
// jose's claims validation reads only `typ` from the header, and only with the `typ` option (handed to jose).
const UNSECURED_HEADER = Buffer.from('{"alg":"none"}').toString('base64url')
// One KeyObject per CryptoKey: jose's key sets import each key once, so this is once per key.
const KEY_OBJECTS = new WeakMap<CryptoKey, KeyObject>()

type Key = Parameters<typeof jwtVerify>[1]

/** jose's `jwtVerify`, with the signature checked by `node:crypto` (see the file comment); its type is jose's. */
export const verifyJwt = verifyNatively as typeof jwtVerify

async function verifyNatively(jwt: string | Uint8Array, key: Key, options?: JWTVerifyOptions): Promise<JWTVerifyResult & Partial<ResolvedKey>> {
  const header = typeof jwt === 'string' ? commonHeader(jwt, options) : undefined
  if (header === undefined) return handOver(jwt, key, options)
  const [encodedHeader, payload, signature] = (jwt as string).split('.') as [string, string, string]
  const resolved = typeof key === 'function' ? await key(header, { payload, protected: encodedHeader, signature }) : key
  const algorithm = ALGORITHMS[header.alg]!
  const keyObject = nativeKey(resolved, algorithm)
  // jose gets the key already resolved, so a resolver is asked once and jose throws its own error for it.
  if (keyObject === undefined) return handOver(jwt, typeof key === 'function' ? () => resolved : resolved, options)
  engineRoutes.native++
  if (!(await signatureVerifies(algorithm, jwt as string, keyObject, signature))) throw new errors.JWSSignatureVerificationFailed()
  const claims = UnsecuredJWT.decode(`${UNSECURED_HEADER}.${payload}.`, options).payload
  return typeof key === 'function' ? { payload: claims, protectedHeader: header, key: resolved as ResolvedKey['key'] } : { payload: claims, protectedHeader: header }
}

function handOver(jwt: string | Uint8Array, key: Key, options: JWTVerifyOptions | undefined): Promise<JWTVerifyResult & Partial<ResolvedKey>> {
  engineRoutes.jose++
  return jwtVerify(jwt, key, options)
}

/**
 * jose's `decodeProtectedHeader` + `decodeJwt` (`jwt-verify-jose.ts`), with `Buffer` decoding a canonical token:
 * jose's portable base64url decoder costs several microseconds per segment, and every miss reads the token
 * before verifying it (the issuer pre-check).
 */
export function decodeUnverified(token: string): { header: ProtectedHeaderParameters; payload: JWTPayload } | undefined {
  if (!isCanonicalCompactJws(token)) return decodeWithJose(token)
  const [encodedHeader, encodedPayload] = token.split('.') as [string, string, string]
  if (encodedPayload === '') return undefined
  const header = headerOf(encodedHeader)
  const payload = header === undefined ? undefined : jsonObjectOf(encodedPayload)
  return payload === undefined ? undefined : { header: header as ProtectedHeaderParameters, payload: payload as JWTPayload }
}

// One issuer's tokens share their header segment, and a miss reads it twice (issuer pre-check, then here): the
// parse of the last few is kept, deep-frozen as the verified context's header is anyway. Bounded in count and
// length; a stream of new headers empties it and costs what parsing costs.
const HEADERS = new Map<string, object>()
const MAX_HEADERS = 64
const MAX_KEPT_HEADER_LENGTH = 512

function headerOf(segment: string): object | undefined {
  const kept = HEADERS.get(segment)
  if (kept !== undefined) return kept
  const header = jsonObjectOf(segment)
  if (header === undefined || segment.length > MAX_KEPT_HEADER_LENGTH) return header
  if (HEADERS.size >= MAX_HEADERS) HEADERS.clear()
  HEADERS.set(segment, deepFreeze(header))
  return header
}

/** A canonical base64url segment's JSON object (strict UTF-8, as jose reads it), or `undefined`. */
function jsonObjectOf(segment: string): object | undefined {
  let value: unknown
  try {
    value = JSON.parse(strictUtf8.decode(Buffer.from(segment, 'base64url')))
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
}

/** The token's header when the token is on the common path (see the file comment), else `undefined`. */
function commonHeader(jwt: string, options: JWTVerifyOptions | undefined): (JWTHeaderParameters & { alg: string }) | undefined {
  if (options?.crit !== undefined || options?.typ !== undefined || !isAllowlist(options?.algorithms)) return undefined
  if (!isCanonicalCompactJws(jwt)) return undefined
  const header = headerOf(jwt.slice(0, jwt.indexOf('.')))
  if (header === undefined || Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return undefined
  const alg = (header as { alg?: unknown }).alg
  if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHMS, alg)) return undefined
  if (options?.algorithms !== undefined && !options.algorithms.includes(alg)) return undefined
  return header as JWTHeaderParameters & { alg: string }
}

// The verifier's frozen allowlist is the same array on every call: checked once.
const ALLOWLISTS = new WeakSet<object>()

function isAllowlist(algorithms: unknown): boolean {
  if (algorithms === undefined || ALLOWLISTS.has(algorithms as object)) return true
  if (!Array.isArray(algorithms) || !algorithms.every((alg) => typeof alg === 'string')) return false
  if (Object.isFrozen(algorithms)) ALLOWLISTS.add(algorithms)
  return true
}

/** The KeyObject to verify with, when `key` is a CryptoKey jose would accept for `algorithm` unchanged. */
function nativeKey(key: unknown, algorithm: NativeAlgorithm): KeyObject | undefined {
  if (!types.isCryptoKey(key)) return undefined
  const cryptoKey = key as CryptoKey & { algorithm: { name: string; hash?: { name?: string }; namedCurve?: string; modulusLength?: number } }
  const { algorithm: actual } = cryptoKey
  if (cryptoKey.type !== (algorithm.name === 'HMAC' ? 'secret' : 'public') || !cryptoKey.usages.includes('verify')) return undefined
  if (actual.name !== algorithm.name) return undefined
  if (algorithm.hash !== undefined && actual.hash?.name !== algorithm.hash) return undefined
  if (algorithm.namedCurve !== undefined && actual.namedCurve !== algorithm.namedCurve) return undefined
  if (algorithm.name.startsWith('RSA') && !(typeof actual.modulusLength === 'number' && actual.modulusLength >= 2048 && actual.modulusLength <= MAX_NATIVE_RSA_BITS)) return undefined
  let keyObject = KEY_OBJECTS.get(cryptoKey)
  if (keyObject === undefined) {
    keyObject = keyObjectOf(cryptoKey)
    if (keyObject === undefined) return undefined
    KEY_OBJECTS.set(cryptoKey, keyObject)
  }
  return keyObject
}

/**
 * The `KeyObject` of `key`. Node 24 deprecates `KeyObject.from()` of a non-extractable key (DEP0204): core's own
 * HMAC keys are made from the bytes it kept (`secret-bytes.ts`), and any other non-extractable key goes to jose.
 */
function keyObjectOf(key: CryptoKey): KeyObject | undefined {
  if (key.extractable) return KeyObject.from(key as Parameters<typeof KeyObject.from>[0])
  const secret = secretBytesOf(key)
  return secret === undefined ? undefined : createSecretKey(secret)
}

/** Like WebCrypto's `verify` as jose calls it: a check that throws is a signature that does not verify. */
async function signatureVerifies(algorithm: NativeAlgorithm, jwt: string, key: KeyObject, signature: string): Promise<boolean> {
  try {
    return await algorithm.check(Buffer.from(jwt.slice(0, jwt.lastIndexOf('.')), 'latin1'), key, Buffer.from(signature, 'base64url'))
  } catch {
    return false
  }
}
