/**
 * The verifier's options: their documentation, their defaults, and their validation, done once when the
 * verifier is created (wrong options are a `TypeError` at startup, never a surprise at request time).
 */
import type { JSONWebKeySet } from 'jose'
import { settleBinding, type BindingMode, type BindingSettings, type DPoPOptions, type MtlsOptions } from './binding-options.js'
import { compileClaimChecks, type ClaimCheck } from './claims.js'
import type { ChallengeContext } from './challenge.js'
import type { KeySourceEventListener } from './events.js'
import type { ExtractOptions, ExtractSettings } from './extract.js'
import type { RequestUrlOptions, RequestUrlSettings } from './request-url.js'
import type { ScopeClaim } from './scopes.js'
import type { TokenCacheOptions } from './token-cache.js'

/** Asymmetric algorithms accepted by default (RFC 8725 §3.2: current algorithms only, never `none`). */
export const DEFAULT_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
])
const HMAC_ALGORITHMS = new Set(['HS256', 'HS384', 'HS512'])
const KNOWN_ALGORITHMS = new Set([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS])

/** Claims RFC 9068 §2.2 requires of a JWT access token. */
export const RFC9068_REQUIRED_CLAIMS: readonly string[] = Object.freeze(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'])

/** Options of `createVerifier()`. Durations ending in `Duration` or `Age` are milliseconds unless stated. */
export interface VerifierOptions extends ExtractOptions, ChallengeContext, RequestUrlOptions {
  /**
   * The authorization server's issuer identifier. Tokens' `iss` must equal it exactly, and, unless
   * `jwksUri`, `jwks` or `secret` is given, its metadata is discovered from it (OpenID Connect Discovery,
   * then RFC 8414); the metadata's `issuer` must equal it exactly too. Required.
   */
  issuer: string
  /**
   * This API's identifier(s). The token's `aud` must contain at least one of them (RFC 9068 §4,
   * RFC 8707). Required.
   */
  audience: string | readonly string[]
  /**
   * The claim checked against `audience`. Default is `'aud'` (RFC 9068 §4). Some providers put the
   * intended recipient elsewhere — Amazon Cognito access tokens carry no `aud`, only `client_id` — and then
   * the named claim must equal (or, as an array, contain) one of `audience`; it becomes required, and `aud`
   * is not checked. A mismatch is `audience_mismatch`.
   */
  audienceClaim?: 'aud' | 'client_id' | (string & {}) | undefined
  /**
   * Claims every token must satisfy, checked after the signature: an expected value (for array claims, a
   * member) or a predicate `(value, claims) => boolean`. A failure is 401 `invalid_token` with reason
   * `claim_invalid`. E.g. Cognito's `{ token_use: 'access' }`.
   */
  claims?: Readonly<Record<string, ClaimCheck>> | undefined
  /** The issuer's JWK Set URL; skips discovery. */
  jwksUri?: string | undefined
  /** Fixed verification keys (a JWK Set); no network at all. For tests and air-gapped deployments. */
  jwks?: JSONWebKeySet | undefined
  /**
   * Shared secret for HS256/384/512 tokens (at least 32 bytes). Requires `algorithms` to list only HMAC
   * algorithms; the JWKS path is then off. Prefer asymmetric tokens: anyone who can verify can also mint.
   */
  secret?: string | Uint8Array | undefined
  /**
   * Accepted JWS algorithms. Default is RS256-512, PS256-512, ES256/384/512, EdDSA and Ed25519; with
   * `secret`, `['HS256']` (list HS384/HS512 to accept them). `none` is never accepted; HS* only together with
   * `secret` (RFC 8725 §3.1: the verifier, not the token, picks).
   */
  algorithms?: readonly string[] | undefined
  /** Leeway for `exp`, `nbf` and `iat` checks, in seconds. Default is 5. */
  clockTolerance?: number | undefined
  /** Maximum age since `iat`, in seconds; makes `iat` required. Default is none. */
  maxTokenAge?: number | undefined
  /** Claims that must be present in addition to `exp` (always required), `iss`, and `aud` (or the `audienceClaim`). */
  requiredClaims?: readonly string[] | undefined
  /**
   * `'rfc9068'` requires `typ: at+jwt` and the claims of RFC 9068 §2.2 (`sub`, `client_id`, `iat`, `jti`).
   * Default (`'lenient'`) also accepts untyped and `JWT`-typed tokens, which most providers still issue,
   * but never a token typed as another kind of JWT (ID token, DPoP proof, logout token…).
   */
  profile?: 'lenient' | 'rfc9068' | undefined
  /**
   * Claims that carry scopes, read in order and merged: `'scope'` (space-delimited string, RFC 9068),
   * `'scp'` (string or array: Okta, Entra ID), `'permissions'` (array: Auth0 RBAC), `'roles'` (array: Entra
   * ID app permissions in client-credentials tokens), or any claim name. Default is `['scope']`.
   */
  scopeClaims?: readonly ScopeClaim[] | undefined
  /** Longest token accepted, in characters; longer ones are refused before any parsing. Default is 8192. */
  maxTokenLength?: number | undefined
  /** Key set freshness when the response has no usable `Cache-Control: max-age`, at most 24 hours. Default is 600000 (10 minutes). */
  cacheMaxAge?: number | undefined
  /** Minimum time between refetches caused by unknown `kid`s. Default is 30000 (30 seconds). */
  cooldownDuration?: number | undefined
  /** Total time budget of one discovery or key set request, body included. Default is 5000 (5 seconds). */
  timeoutDuration?: number | undefined
  /** How long the last good keys keep serving while refreshing fails. Default is 86400000 (24 hours). */
  maxStaleDuration?: number | undefined
  /** First retry delay after a failed fetch; doubles per failure up to 1 minute. Default is 1000 (1 second). */
  retryDelay?: number | undefined
  /** Largest discovery or key set response, in bytes. Default is 524288 (512 KiB). */
  maxResponseSize?: number | undefined
  /** Most keys a key set may hold. Default is 100. */
  maxKeys?: number | undefined
  /** Take the key set response's `Cache-Control: max-age` (bounded to 1 min – 24 h). Default is `true`. */
  honorCacheControl?: boolean | undefined
  /** A snapshot from `verifier.keySource.export()`, so a cold start need not fetch (serverless). */
  keySnapshot?: unknown
  /**
   * The verified-token cache: a token seen before skips the signature check (its clock window, scopes and
   * claims are still checked every time; entries are dropped when keys leave the key set). `false`
   * disables it. Default is `{ max: 10000, maxSize: 33554432 }` (32 MiB).
   */
  tokenCache?: false | TokenCacheOptions | undefined
  /** Key source events (fetches, failures, key changes, stale serving, cooldown refusals). */
  onEvent?: KeySourceEventListener | undefined
  /** Extra headers for discovery and key set requests, e.g. a `User-Agent`. */
  fetchHeaders?: Record<string, string> | undefined
  /**
   * DPoP-bound tokens (RFC 9449): `'allowed'` accepts `Authorization: DPoP` with a valid proof for tokens
   * bound to a key (`cnf.jkt`) and unbound tokens as Bearer; `'required'` accepts DPoP-bound tokens only;
   * `'off'` refuses DPoP-bound tokens. Needs `origin` or `trustProxy` (each proof names the request's URL).
   * Default is `'allowed'` when `origin` or `trustProxy` is set, else `'off'`. See {@link DPoPOptions}.
   */
  dpop?: BindingMode | DPoPOptions | undefined
  /**
   * Certificate-bound tokens (RFC 8705): a token bound to a client certificate (`cnf["x5t#S256"]`) must come
   * over a TLS connection with that certificate (or from a trusted proxy's certificate header). Default is
   * `'allowed'`. See {@link MtlsOptions}.
   */
  mtls?: BindingMode | MtlsOptions | undefined
}

/** What every verifier (one issuer or several) tells adapters and metadata publishers about itself. */
export interface VerifierSettings {
  /** Trusted issuers known at configuration time (empty when a resolver decides). */
  issuers: readonly string[]
  /** This API's identifiers, across issuers. */
  audience: readonly string[]
  /** Accepted algorithms, across issuers. */
  algorithms: readonly string[]
  /** `realm` and `resource_metadata` of every challenge. */
  challenge: ChallengeContext
  /** Where tokens may be taken from. */
  extract: ExtractSettings
  /** Longest token accepted, in characters. */
  maxTokenLength: number
  /** Where a request's absolute URL comes from (set by the verifier; absent in an issuer's own settings). */
  requestUrl?: RequestUrlSettings | undefined
  /** Which sender-constrained tokens are accepted (DPoP, mTLS), e.g. for resource metadata. */
  binding: BindingSettings
}

/** The request-level options that stay with the top level even when several issuers are configured. */
export type RequestOptions = Pick<VerifierOptions, 'realm' | 'resourceMetadata' | 'allowBodyToken' | 'allowQueryToken' | 'maxTokenLength' | 'dpop' | 'mtls' | 'origin' | 'trustProxy'>

/** Validates the request-level options. */
export function settleRequestOptions(options: RequestOptions): Pick<VerifierSettings, 'challenge' | 'extract' | 'maxTokenLength' | 'binding'> {
  const binding = settleBinding(options)
  const dpop = binding.dpop.mode !== 'off'
  const challenge: ChallengeContext = {
    realm: optionalString(options.realm, 'realm'),
    resourceMetadata: optionalString(options.resourceMetadata, 'resourceMetadata'),
    ...(dpop ? { dpopAlgorithms: binding.dpop.algorithms, bearer: binding.dpop.mode !== 'required' } : {}),
  }
  return {
    challenge,
    extract: { ...challenge, allowBodyToken: options.allowBodyToken === true, allowQueryToken: options.allowQueryToken === true, ...(dpop ? { dpopScheme: true } : {}) },
    maxTokenLength: positive(options.maxTokenLength, 8192, 'maxTokenLength'),
    binding,
  }
}

/** One issuer's options after validation, with every default applied. */
export interface SettledOptions extends VerifierSettings {
  issuer: string
  audience: string[]
  algorithms: string[]
  clockTolerance: number
  maxTokenAge: number | undefined
  requiredClaims: string[]
  profile: 'lenient' | 'rfc9068'
  scopeClaims: ScopeClaim[]
  audienceClaim: string
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
}

/** Validates `options` and fills in defaults. */
export function settleOptions(options: VerifierOptions): SettledOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: options must be an object')
  if (typeof options.issuer !== 'string' || options.issuer === '') throw new TypeError('tokenguard: "issuer" is required')
  const issuer = options.issuer
  const audience = settleAudience(options.audience)
  const algorithms = settleAlgorithms(options)
  const profile = options.profile ?? 'lenient'
  if (profile !== 'lenient' && profile !== 'rfc9068') throw new TypeError('tokenguard: "profile" must be "lenient" or "rfc9068"')
  const audienceClaim = options.audienceClaim ?? 'aud'
  if (typeof audienceClaim !== 'string' || audienceClaim === '') throw new TypeError('tokenguard: "audienceClaim" must be a claim name')
  const requiredClaims = new Set(['exp', ...(audienceClaim === 'aud' ? [] : [audienceClaim]), ...(options.requiredClaims ?? []), ...(profile === 'rfc9068' ? RFC9068_REQUIRED_CLAIMS : [])])
  return {
    ...settleRequestOptions(options),
    issuer,
    issuers: [issuer],
    audience,
    algorithms,
    clockTolerance: nonNegative(options.clockTolerance, 5, 'clockTolerance'),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : positive(options.maxTokenAge, 0, 'maxTokenAge'),
    requiredClaims: [...requiredClaims],
    profile,
    scopeClaims: [...(options.scopeClaims ?? ['scope'])],
    audienceClaim,
    claimChecks: compileClaimChecks(options.claims),
  }
}

function settleAudience(audience: VerifierOptions['audience']): string[] {
  const list = typeof audience === 'string' ? [audience] : Array.isArray(audience) ? [...audience] : []
  if (list.length === 0 || list.some((value) => typeof value !== 'string' || value === '')) {
    throw new TypeError('tokenguard: "audience" is required (a non-empty string or array of strings)')
  }
  return list
}

function settleAlgorithms(options: VerifierOptions): string[] {
  const algorithms = [...(options.algorithms ?? (options.secret === undefined ? DEFAULT_ALGORITHMS : ['HS256']))]
  if (algorithms.length === 0) throw new TypeError('tokenguard: "algorithms" must not be empty')
  for (const alg of algorithms) {
    if (!KNOWN_ALGORITHMS.has(alg)) throw new TypeError(`tokenguard: algorithm ${JSON.stringify(alg)} is not supported`)
  }
  const hmac = algorithms.filter((alg) => HMAC_ALGORITHMS.has(alg))
  if (options.secret === undefined && hmac.length > 0) {
    throw new TypeError('tokenguard: HS* algorithms need the "secret" option (they are never verified with a JWKS)')
  }
  if (options.secret !== undefined && hmac.length !== algorithms.length) {
    throw new TypeError('tokenguard: with "secret", "algorithms" may only list HS256/HS384/HS512')
  }
  return algorithms
}

/** Settled key source durations and limits (remote sources only). */
export function settleKeySourceLimits(options: VerifierOptions) {
  return {
    cacheMaxAge: atMost(positive(options.cacheMaxAge, 600_000, 'cacheMaxAge'), 86_400_000, 'cacheMaxAge'),
    cooldownDuration: nonNegative(options.cooldownDuration, 30_000, 'cooldownDuration'),
    timeoutDuration: positive(options.timeoutDuration, 5_000, 'timeoutDuration'),
    maxStaleDuration: positive(options.maxStaleDuration, 86_400_000, 'maxStaleDuration'),
    retryDelay: positive(options.retryDelay, 1_000, 'retryDelay'),
    maxResponseSize: positive(options.maxResponseSize, 512 * 1024, 'maxResponseSize'),
    maxKeys: positive(options.maxKeys, 100, 'maxKeys'),
    honorCacheControl: options.honorCacheControl !== false,
  }
}

/** The secret as bytes, refusing blank or short ones (RFC 7518 §3.2: at least the hash size). */
export function settleSecret(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    throw new TypeError('tokenguard: "secret" must be at least 32 bytes')
  }
  return bytes
}

/** Checks an absolute http(s) URL option. */
export function requireUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TypeError(`tokenguard: "${name}" must be an absolute http(s) URL`)
  }
  return value
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`tokenguard: "${name}" must be a positive number`)
  return value
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`tokenguard: "${name}" must be a string`)
  return value
}

function atMost(value: number, limit: number, name: string): number {
  if (value > limit) throw new TypeError(`tokenguard: "${name}" must be at most ${limit}`)
  return value
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`tokenguard: "${name}" must be a non-negative number`)
  return value
}
