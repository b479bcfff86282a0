/**
 * The `dpop` and `mtls` options: their documentation, defaults and validation, once, at startup. Modes and
 * algorithms may be tightened per issuer; the replay store, nonces and the certificate header serve the whole
 * API and live at the top level only.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449
 * @see https://www.rfc-editor.org/rfc/rfc8705
 */
import { createNonces, randomNonceSecret, type DPoPNonces } from './dpop-nonce.js'
import { optionalDuration, parseDuration, type Duration, type DurationBounds } from './duration.js'
import { ConfigurationError } from './errors.js'
import { proxyMatcher, type CertificateSource } from './mtls.js'
import { assertKnownKeys } from './option-keys.js'
import { memoryReplayStore, type ReplayStore } from './replay-store.js'

/**
 * `'allowed'`: bound tokens must prove their binding, unbound tokens keep working as Bearer. `'required'`:
 * only tokens bound this way are accepted. `'off'`: this binding is never verified, so tokens bound this way
 * are refused.
 */
export type BindingMode = 'allowed' | 'required' | 'off'

/** DPoP (RFC 9449): proof-of-possession of a key the token is bound to (`cnf.jkt`). */
export interface DPoPOptions {
  /** See {@link BindingMode}. Default is `'allowed'`. */
  mode?: BindingMode | undefined
  /** Accepted proof algorithms, asymmetric only. Default is ES256/384/512, PS256-512, RS256-512, EdDSA and Ed25519. */
  algorithms?: readonly string[] | undefined
  /**
   * The proof's acceptance window: its `iat` may be this old (plus `clockTolerance`), and no more than
   * `clockTolerance` in the future. Milliseconds, or a string such as `'30s'` or `'2m'`. Its `jti` is
   * remembered this long. Accepted: 1 s – 1 h. Default is 60000 (60 seconds).
   */
  maxProofAge?: Duration | undefined
  /**
   * Where proof `jti`s are remembered so that each proof is accepted once. Share one store across the
   * instances of a fleet (`redisReplayStore` of `@tokenguard/redis`), or a proof replayed to another
   * instance is accepted there. Top level only. Default is `memoryReplayStore()` (this process only).
   */
  replayStore?: ReplayStore | undefined
  /**
   * What a request gets when the replay store cannot answer: `'unavailable'` (503 with `Retry-After`) or
   * `'accept'` (the proof is accepted without the replay check: replays pass while the store is down).
   * Top level only. Default is `'unavailable'`.
   */
  replayStoreFailure?: 'unavailable' | 'accept' | undefined
  /**
   * Server-issued nonces (RFC 9449 §9): proofs must carry a nonce this API handed out in `DPoP-Nonce`, so
   * that a proof cannot be made ahead of time. `true` uses a random secret (one process only). Top level
   * only. Default is `false`.
   */
  nonce?: boolean | NonceOptions | undefined
}

/** Stateless rotating nonces: every instance holding `secret` issues and accepts the same nonces. */
export interface NonceOptions {
  /** At least 32 bytes; the same on every instance of a fleet. Default is a random secret (this process only). */
  secret?: string | Uint8Array | undefined
  /**
   * How often the nonce changes; a nonce is accepted for one to two rotations. Milliseconds or a string such as
   * `'5m'`. Accepted: 10 s – 1 day. Default is 300000 (5 minutes).
   */
  rotation?: Duration | undefined
}

/** mTLS (RFC 8705): the token is bound to the client certificate of the TLS connection (`cnf["x5t#S256"]`). */
export interface MtlsOptions {
  /** See {@link BindingMode}. Default is `'allowed'`. */
  mode?: BindingMode | undefined
  /**
   * Behind a TLS-terminating proxy: the header in which the proxy forwards the client certificate, as an
   * RFC 9440 byte sequence (`Client-Cert: :<base64 DER>:`). Read only from `trustedProxies`. Top level only.
   * Default is none (the certificate of this server's own TLS connection).
   */
  certificateHeader?: string | undefined
  /** The proxies' addresses (exact IPs or IPv4 CIDR ranges); required with `certificateHeader`. Top level only. */
  trustedProxies?: readonly string[] | undefined
}

/** What a verifier (or one issuer) accepts, settled. */
export interface BindingSettings {
  readonly dpop: DPoPSettings
  readonly mtls: { readonly mode: BindingMode; readonly explicit: boolean }
}

export interface DPoPSettings {
  readonly mode: BindingMode
  readonly algorithms: readonly string[]
  /** Milliseconds. */
  readonly maxProofAge: number
  /** Why DPoP is off although nobody said so (operator detail), if it is. */
  readonly offBecause: string | undefined
}

/** The parts of DPoP and mTLS that serve the whole API, whichever issuer a token names. */
export interface ProofServices {
  readonly replayStore: ReplayStore
  readonly replayStoreFailure: 'unavailable' | 'accept'
  readonly nonces: DPoPNonces | undefined
  readonly certificates: CertificateSource
}

/** Asymmetric proof algorithms (RFC 9449 §4.2: never `none`, never a MAC). */
export const DPOP_ALGORITHMS: readonly string[] = Object.freeze(['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'])
const MODES: readonly BindingMode[] = ['allowed', 'required', 'off']
const DPOP_KEYS = ['mode', 'algorithms', 'maxProofAge', 'replayStore', 'replayStoreFailure', 'nonce']
const MTLS_KEYS = ['mode', 'certificateHeader', 'trustedProxies']
/** Keys of `dpop` / `mtls` that only the top level may set. */
export const TOP_LEVEL_ONLY = { dpop: ['replayStore', 'replayStoreFailure', 'nonce'], mtls: ['certificateHeader', 'trustedProxies'] } as const
/** Bounds of the binding durations, in milliseconds. */
export const BINDING_DURATION_BOUNDS = Object.freeze({
  maxProofAge: { min: 1_000, max: 3_600_000, example: '60s' },
  rotation: { min: 10_000, max: 86_400_000, example: '5m' },
} satisfies Record<string, DurationBounds>)
const NO_URL_FIX = 'set "origin" (this API\'s public origin, e.g. origin: "https://api.example.com") or, behind a proxy that overwrites X-Forwarded-Proto and X-Forwarded-Host, "trustProxy: true"'

interface BindingInput {
  dpop?: BindingMode | DPoPOptions | undefined
  mtls?: BindingMode | MtlsOptions | undefined
  origin?: string | undefined
  trustProxy?: boolean | undefined
}

/** Validates `dpop` and `mtls` and settles their modes and algorithms. */
export function settleBinding(options: BindingInput): BindingSettings {
  const dpop = asObject(options.dpop, 'dpop', DPOP_KEYS)
  const mtls = asObject(options.mtls, 'mtls', MTLS_KEYS)
  const requested = settleMode(dpop.mode, 'dpop')
  const algorithms = settleDPoPAlgorithms(dpop.algorithms)
  const maxProofAge = optionalDuration(dpop.maxProofAge, 60_000, 'dpop.maxProofAge', BINDING_DURATION_BOUNDS.maxProofAge)
  // htu is compared with the request's absolute URL: without a trusted source for it, a client's Host header decides.
  const knowsUrl = options.origin !== undefined || options.trustProxy === true
  let mode = requested
  let offBecause: string | undefined
  if (!knowsUrl && requested !== 'off') {
    if (options.dpop !== undefined) throw new ConfigurationError('dpop', `"dpop" checks each proof's "htu" against the request's absolute URL, which this verifier cannot know: ${NO_URL_FIX}`)
    mode = 'off'
    offBecause = `DPoP is off because the request URL is unknown: ${NO_URL_FIX}`
  }
  return Object.freeze({
    dpop: Object.freeze({ mode, algorithms, maxProofAge, offBecause }),
    mtls: Object.freeze({ mode: settleMode(mtls.mode, 'mtls'), explicit: options.mtls !== undefined }),
  })
}

/** Builds the replay store, nonces and certificate source from the top-level options. */
export function settleProofServices(options: BindingInput): ProofServices {
  const dpop = asObject(options.dpop, 'dpop', DPOP_KEYS)
  const mtls = asObject(options.mtls, 'mtls', MTLS_KEYS)
  const replayStore = dpop.replayStore ?? memoryReplayStore()
  if (typeof replayStore !== 'object' || replayStore === null || typeof replayStore.remember !== 'function') {
    throw new ConfigurationError('dpop.replayStore', '"dpop.replayStore" must have a remember(key, ttlMs) method (e.g. memoryReplayStore())')
  }
  const replayStoreFailure = dpop.replayStoreFailure ?? 'unavailable'
  if (replayStoreFailure !== 'unavailable' && replayStoreFailure !== 'accept') throw new ConfigurationError('dpop.replayStoreFailure', '"dpop.replayStoreFailure" must be "unavailable" or "accept"')
  return Object.freeze({ replayStore, replayStoreFailure, nonces: settleNonces(dpop.nonce), certificates: settleCertificateSource(mtls) })
}

function settleNonces(nonce: DPoPOptions['nonce']): DPoPNonces | undefined {
  if (nonce === undefined || nonce === false) return undefined
  if (nonce === true) return createNonces(randomNonceSecret(), 300_000)
  const options = asObject(nonce, 'dpop.nonce', ['secret', 'rotation'])
  const secret = options.secret === undefined ? randomNonceSecret() : typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) throw new ConfigurationError('dpop.nonce.secret', '"dpop.nonce.secret" must be at least 32 bytes')
  return createNonces(secret, optionalDuration(options.rotation, 300_000, 'dpop.nonce.rotation', BINDING_DURATION_BOUNDS.rotation))
}

function settleCertificateSource(mtls: MtlsOptions): CertificateSource {
  const { certificateHeader: header, trustedProxies } = mtls
  if (header === undefined && trustedProxies === undefined) return Object.freeze({ header: undefined, trusts: () => false })
  if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    throw new ConfigurationError('mtls.certificateHeader', '"mtls.certificateHeader" must be a header name (e.g. "client-cert") and comes with "mtls.trustedProxies"')
  }
  if (!Array.isArray(trustedProxies) || trustedProxies.length === 0 || trustedProxies.some((entry) => typeof entry !== 'string')) {
    throw new ConfigurationError('mtls.trustedProxies', '"mtls.certificateHeader" needs "mtls.trustedProxies": the addresses of the proxies that set it (anyone else could write it)')
  }
  return Object.freeze({ header: header.toLowerCase(), trusts: proxyMatcher(trustedProxies) })
}

function asObject<T extends object>(value: BindingMode | T | undefined, name: string, known: readonly string[]): T & { mode?: BindingMode } {
  if (value === undefined) return {} as T
  if (typeof value === 'string') return { mode: value } as T & { mode: BindingMode }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigurationError(name, `"${name}" must be "allowed", "required", "off" or an options object`)
  assertKnownKeys(value, known, `"${name}"`, name)
  return value as T
}

function settleMode(mode: unknown, name: string): BindingMode {
  if (mode === undefined) return 'allowed'
  if (!MODES.includes(mode as BindingMode)) throw new ConfigurationError(name, `"${name}" mode must be one of ${MODES.map((m) => JSON.stringify(m)).join(', ')}; got ${JSON.stringify(mode)}`)
  return mode as BindingMode
}

function settleDPoPAlgorithms(algorithms: readonly string[] | undefined): readonly string[] {
  if (algorithms === undefined) return DPOP_ALGORITHMS
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new ConfigurationError('dpop.algorithms', '"dpop.algorithms" must be a non-empty array')
  for (const alg of algorithms) {
    if (!DPOP_ALGORITHMS.includes(alg)) throw new ConfigurationError('dpop.algorithms', `"dpop.algorithms" may only list asymmetric algorithms (${DPOP_ALGORITHMS.join(', ')}); got ${JSON.stringify(alg)}`)
  }
  return Object.freeze([...new Set(algorithms)])
}

/** A `maxProofAge` in milliseconds (for combining an issuer entry's with the top level's). */
export function proofAgeMs(value: unknown): number {
  return parseDuration(value, 'dpop.maxProofAge', BINDING_DURATION_BOUNDS.maxProofAge)
}
