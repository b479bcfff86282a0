/**
 * Checking one DPoP proof (RFC 9449 §4.3) against the request it came with and the access token it
 * accompanies: one `DPoP` header holding one JWS; `typ: dpop+jwt`; an allowed asymmetric `alg`; a public
 * `jwk` that verifies the signature; `htm` and `htu` naming this request; `iat` inside the window; the
 * server's nonce when nonces are on; `ath` the hash of this access token; the key's thumbprint the token's
 * `cnf.jkt`; and, last, `jti` never seen before within the window (so that a proof failing any other check
 * cannot use up a store entry).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
import { calculateJwkThumbprint, decodeProtectedHeader, errors as joseErrors, importJWK, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { verifyJwt } from './jwt-verify.js'
import { LRUCache } from 'lru-cache'
import type { DPoPSettings, ProofServices } from './binding-options.js'
import type { ChallengeSettings } from './challenge.js'
import { InvalidDPoPProofError, ReplayCheckUnavailableError, UseDPoPNonceError, type RefusalReason } from './errors.js'
import { normalizedHtu } from './htu.js'
import { headerValue, type RequestView } from './request.js'
import { absoluteUrl, type RequestUrlSettings } from './request-url.js'

/** What one proof is checked against. */
export interface ProofContext {
  readonly view: RequestView
  /** base64url SHA-256 of the access token (the expected `ath`). */
  readonly accessTokenHash: string
  /** The token's `cnf.jkt`. */
  readonly jkt: string
  readonly settings: DPoPSettings
  /** Seconds of leeway on `iat`. */
  readonly clockTolerance: number
  readonly services: ProofServices
  readonly requestUrl: RequestUrlSettings
  readonly challenge: ChallengeSettings
}

/** Headers for the response when the proof passed: a fresh `DPoP-Nonce` when its nonce is about to rotate out. */
export type ProofHeaders = Readonly<Record<string, string>> | undefined

// An RSA-4096 jwk and every claim fit in ~2 KiB; a longer header is refused before any parsing.
const MAX_PROOF_LENGTH = 8192
// RFC 9449 §11.1: oversized jti values are refused, so that a store entry stays small.
const MAX_JTI_LENGTH = 128
// An empty signature passes this syntax check so that `alg: none` is refused by name, below.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
// RFC 7517 private members (EC/OKP `d`, RSA CRT members, `oth`) and the symmetric `k`.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const KEY_TYPES = new Set(['EC', 'RSA', 'OKP'])
// Proofs arrive with one key per client: importing a key and hashing it once per client, not per request.
const keys = new LRUCache<string, { key: CryptoKey; thumbprint: string }>({ max: 1_000 })

/**
 * Verifies the request's DPoP proof; resolves with the headers to send on success.
 *
 * @throws {InvalidDPoPProofError} 401 `invalid_dpop_proof`, the reason naming the failed check.
 * @throws {UseDPoPNonceError} 401 `use_dpop_nonce` with the nonce to use.
 * @throws {ReplayCheckUnavailableError} 503 when the replay store cannot answer (unless configured to accept).
 */
export async function verifyProof(context: ProofContext): Promise<ProofHeaders> {
  const proof = singleProof(context)
  const { alg, jwk } = checkedHeader(proof, context)
  const { key, thumbprint } = await importProofKey(jwk, alg, context)
  const payload = await verifiedPayload(proof, key, alg, context)
  assertRequestMatches(payload, context)
  assertFresh(payload.iat as number, context)
  const headers = await checkNonce(payload.nonce, context)
  if (payload.ath !== context.accessTokenHash) fail(context, 'dpop_token_mismatch', 'the proof\'s "ath" is not the hash of this access token')
  if (thumbprint !== context.jkt) fail(context, 'dpop_key_mismatch', 'the proof\'s key is not the one the token is bound to (cnf.jkt)')
  await rememberOnce(thumbprint, payload as { jti: string; iat: number }, context)
  return headers
}

function singleProof(context: ProofContext): string {
  const value = headerValue(context.view.headers, 'dpop')
  if (value === undefined || value === '') fail(context, 'dpop_proof_missing', 'the request has no DPoP header')
  // Node and Fetch join repeated headers with ", "; a compact JWS never holds a comma.
  if (Array.isArray(value) || value.includes(',')) fail(context, 'dpop_proof_multiple', 'the request has more than one DPoP header')
  if (value.length > MAX_PROOF_LENGTH) fail(context, 'dpop_proof_too_large', `the DPoP header of ${value.length} characters exceeds ${MAX_PROOF_LENGTH}`)
  if (!COMPACT_JWS.test(value)) fail(context, 'dpop_proof_malformed', 'the DPoP header is not one compact JWS')
  return value
}

function checkedHeader(proof: string, context: ProofContext): { alg: string; jwk: JWK } {
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>
  } catch {
    return fail(context, 'dpop_proof_malformed', 'the DPoP proof\'s header cannot be decoded')
  }
  if (typeof header.typ !== 'string' || !/^(?:application\/)?dpop\+jwt$/i.test(header.typ)) fail(context, 'dpop_proof_type', `the proof's "typ" ${JSON.stringify(header.typ)} is not "dpop+jwt"`)
  const alg = header.alg
  if (typeof alg !== 'string' || !context.settings.algorithms.includes(alg)) fail(context, 'dpop_algorithm_not_allowed', `the proof's "alg" ${JSON.stringify(alg)} is not an allowed asymmetric algorithm`)
  const jwk = header.jwk
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) fail(context, 'dpop_key_invalid', 'the proof\'s header has no "jwk" object')
  const members = jwk as Record<string, unknown>
  const secret = PRIVATE_MEMBERS.filter((name) => name in members)
  if (secret.length > 0) fail(context, 'dpop_key_invalid', `the proof's "jwk" holds private or symmetric key material (${secret.join(', ')})`)
  if (typeof members.kty !== 'string' || !KEY_TYPES.has(members.kty)) fail(context, 'dpop_key_invalid', `the proof's "jwk" has key type ${JSON.stringify(members.kty)}, not an asymmetric public key`)
  if (members.use !== undefined && members.use !== 'sig') fail(context, 'dpop_key_invalid', `the proof's "jwk" is for ${JSON.stringify(members.use)}, not signatures`)
  return { alg: alg as string, jwk: jwk as JWK }
}

async function importProofKey(jwk: JWK, alg: string, context: ProofContext): Promise<{ key: CryptoKey; thumbprint: string }> {
  const id = `${alg} ${JSON.stringify(jwk)}`
  const known = keys.get(id)
  if (known !== undefined) return known
  try {
    const key = (await importJWK(jwk, alg)) as CryptoKey
    if (key.type !== 'public') throw new TypeError('not a public key')
    const entry = { key, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') }
    keys.set(id, entry)
    return entry
  } catch (error) {
    return fail(context, 'dpop_key_invalid', `the proof's "jwk" is not a usable ${alg} public key (${error instanceof Error ? error.message : String(error)})`)
  }
}

async function verifiedPayload(proof: string, key: CryptoKey, alg: string, context: ProofContext): Promise<JWTPayload> {
  let payload: JWTPayload
  try {
    ;({ payload } = await verifyJwt(proof, key, { algorithms: [alg], clockTolerance: context.clockTolerance }))
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return fail(context, 'dpop_signature_invalid', 'the proof\'s signature does not verify with its "jwk"')
    return fail(context, 'dpop_proof_malformed', `the proof is not a valid JWT (${error instanceof Error ? error.message : String(error)})`)
  }
  const { jti, iat, htm, htu } = payload as Record<string, unknown>
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) fail(context, 'dpop_claims_invalid', `the proof's "jti" must be a string of 1-${MAX_JTI_LENGTH} characters`)
  if (typeof iat !== 'number' || !Number.isFinite(iat)) fail(context, 'dpop_claims_invalid', 'the proof\'s "iat" must be a finite number')
  if (typeof htm !== 'string' || typeof htu !== 'string') fail(context, 'dpop_claims_invalid', 'the proof must carry "htm" and "htu" strings')
  return payload
}

/** `htm` is the request's method and `htu` its URL (normalised, without query and fragment). */
function assertRequestMatches(payload: JWTPayload, context: ProofContext): void {
  if (payload.htm !== context.view.method) fail(context, 'dpop_method_mismatch', `the proof's "htm" ${JSON.stringify(payload.htm)} is not the request's method ${JSON.stringify(context.view.method)}`)
  const url = absoluteUrl(context.view, context.requestUrl)
  const expected = url === undefined ? undefined : normalizedHtu(url)
  if (expected === undefined) fail(context, 'dpop_url_unknown', 'the request\'s absolute URL cannot be known (no usable Host header); configure "origin"')
  const htu = normalizedHtu(payload.htu as string)
  if (htu !== expected) fail(context, 'dpop_url_mismatch', `the proof's "htu" ${JSON.stringify(String(payload.htu).slice(0, 200))} is not this request's URL ${JSON.stringify(expected)}`)
}

function assertFresh(iat: number, context: ProofContext): void {
  const now = Date.now() / 1000
  if (iat < now - context.settings.maxProofAge / 1000 - context.clockTolerance) fail(context, 'dpop_proof_stale', `the proof's "iat" is ${Math.round(now - iat)} s old; the window is ${context.settings.maxProofAge / 1000} s`)
  if (iat > now + context.clockTolerance) fail(context, 'dpop_proof_future', `the proof's "iat" is ${Math.round(iat - now)} s in the future`)
}

async function checkNonce(nonce: unknown, context: ProofContext): Promise<ProofHeaders> {
  const nonces = context.services.nonces
  if (nonces === undefined) return undefined
  if (nonce === undefined) throw new UseDPoPNonceError({ ...context.challenge, reason: 'dpop_nonce_missing', detail: 'the proof carries no nonce and this API requires one' }, await nonces.current())
  const verdict = typeof nonce === 'string' ? await nonces.check(nonce) : 'invalid'
  if (verdict === 'invalid') throw new UseDPoPNonceError({ ...context.challenge, reason: 'dpop_nonce_invalid', detail: 'the proof\'s nonce is not one this API issued recently' }, await nonces.current())
  return verdict === 'previous' ? { 'DPoP-Nonce': await nonces.current() } : undefined
}

/**
 * RFC 9449 §11.1: a `jti` is accepted once per key within the window. The key's thumbprint and the bounded
 * `jti` make the store key as they are: hashing them would cost a crypto round trip on every request, and
 * a proof for another URL never gets here (its `htu` was refused first), so the URL need not be part of it.
 */
async function rememberOnce(thumbprint: string, payload: { jti: string; iat: number }, context: ProofContext): Promise<void> {
  const key = `dpop:${thumbprint}:${payload.jti}`
  const ttlMs = (payload.iat + context.settings.maxProofAge / 1000 + context.clockTolerance) * 1000 - Date.now()
  let first: boolean
  try {
    first = await context.services.replayStore.remember(key, Math.max(1, Math.ceil(ttlMs)))
  } catch (error) {
    if (context.services.replayStoreFailure === 'accept') return
    throw new ReplayCheckUnavailableError({ reason: 'replay_store_unavailable', detail: `the DPoP replay store cannot answer: ${error instanceof Error ? error.message : String(error)}`, cause: error })
  }
  if (first !== true) fail(context, 'dpop_proof_replayed', 'this DPoP proof was already used (its jti was seen within the window)')
}

function fail(context: ProofContext, reason: RefusalReason, detail: string): never {
  throw new InvalidDPoPProofError({ ...context.challenge, reason, detail })
}
