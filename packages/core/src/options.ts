/**
 * The verifier's options validated and settled, once, when the verifier is created (their types and
 * documentation are in `verifier-options.ts`) (a wrong option is a {@link ConfigurationError} at startup, never a surprise at
 * request time): unknown keys, wrong types, durations out of bounds, insecure URLs.
 */
import { compileClaimChecks, type ClaimCheck } from './claims.js'
import { settleRevocation, type RevocationCheck } from './revocation.js'
import { settleBinding } from './binding-options.js'
import type { ChallengeSettings } from './challenge.js'
import { optionalDuration, type DurationBounds } from './duration.js'
import { ConfigurationError } from './errors.js'
import { requireIssuerIdentifier, requireKeySetUrl } from './issuer-identifier.js'
import { settlePublicKey, type SettledPublicKey } from './public-key.js'
import { assertKnownKeys } from './option-keys.js'
import { describe, optionalBoolean, optionalFunction, optionalNameList, optionalString, optionalStringRecord, positiveInteger } from './option-values.js'
import type { ScopeClaim } from './scopes.js'
import { VERIFIER_OPTION_KEYS, type VerifierOptions, type VerifierSettings } from './verifier-options.js'

export { VERIFIER_OPTION_KEYS } from './verifier-options.js'
export type { VerifierOptions, VerifierSettings } from './verifier-options.js'

/** Asymmetric algorithms accepted by default (RFC 8725 §3.2: current algorithms only, never `none`). */
export const DEFAULT_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
])
const HMAC_ALGORITHMS = new Set(['HS256', 'HS384', 'HS512'])
const KNOWN_ALGORITHMS = new Set([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS])
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set(DEFAULT_ALGORITHMS)

/** Claims RFC 9068 §2.2 requires of a JWT access token. */
export const RFC9068_REQUIRED_CLAIMS: readonly string[] = Object.freeze(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'])

/** Options that belong to one issuer: at the top level of several issuers they would be shared (RFC 8725 §3.8). */
// Introspection credentials are one authorization server's, and the format decides where an opaque token goes.
export const PER_ISSUER_OPTION_KEYS: readonly string[] = Object.freeze(['issuer', 'jwksUri', 'discoveryUrl', 'jwks', 'publicKey', 'secret', 'keySnapshot', 'introspection', 'tokenFormat'])

/** Options of the whole verifier: in an `issuers` entry they would be ignored. */
export const TOP_LEVEL_OPTION_KEYS: readonly string[] = Object.freeze(['realm', 'resourceMetadata', 'allowBodyToken', 'allowQueryToken', 'maxTokenLength', 'tokenCache', 'origin', 'trustProxy', 'telemetry', 'audit'])

/** The keys {@link createVerifier} accepts with `issuers`. */
export const MULTI_ISSUER_OPTION_KEYS: readonly string[] = Object.freeze([
  ...VERIFIER_OPTION_KEYS.filter((key) => !PER_ISSUER_OPTION_KEYS.includes(key)),
  'issuers',
  'maxIssuers',
  'keySetCacheSize',
  'discoveryCacheSize',
])

/** The keys an `issuers` entry (or a resolver's answer) accepts. */
export const ISSUER_ENTRY_KEYS: readonly string[] = Object.freeze(VERIFIER_OPTION_KEYS.filter((key) => !TOP_LEVEL_OPTION_KEYS.includes(key)))

/** The bounds of every duration option of the verifier, in milliseconds. */
export const DURATION_BOUNDS = Object.freeze({
  clockTolerance: { min: 0, max: 300_000, example: '5s' },
  maxTokenAge: { min: 60_000, max: 86_400_000, example: '1h' },
  cacheMaxAge: { min: 100, max: 86_400_000, example: '10m' },
  discoveryCacheMaxAge: { min: 100, max: 7 * 86_400_000, example: '24h' },
  // A bare 30 meant as seconds would let invented kids refetch the key set ~33 times a second.
  cooldownDuration: { min: 0, max: 3_600_000, example: '30s' },
  timeoutDuration: { min: 100, max: 60_000, example: '5s' },
  maxStaleDuration: { min: 1, max: 7 * 86_400_000, example: '24h' },
  retryDelay: { min: 10, max: 60_000, example: '1s' },
} satisfies Record<string, DurationBounds>)

/** The request-level options that stay with the top level even when several issuers are configured. */
export type RequestOptions = Pick<VerifierOptions, 'realm' | 'resourceMetadata' | 'allowBodyToken' | 'allowQueryToken' | 'maxTokenLength' | 'dpop' | 'mtls' | 'origin' | 'trustProxy'>

/** Validates the request-level options (and the binding modes, which decide the challenges' schemes). */
export function settleRequestOptions(options: RequestOptions): Pick<VerifierSettings, 'challenge' | 'extract' | 'maxTokenLength' | 'binding'> {
  const binding = settleBinding(options)
  const dpop = binding.dpop.mode !== 'off'
  const challenge: ChallengeSettings = {
    realm: optionalString(options.realm, 'realm'),
    resourceMetadata: optionalString(options.resourceMetadata, 'resourceMetadata'),
    ...(dpop ? { dpopAlgorithms: binding.dpop.algorithms, bearer: binding.dpop.mode !== 'required' } : {}),
  }
  return {
    challenge,
    extract: {
      ...challenge,
      allowBodyToken: optionalBoolean(options.allowBodyToken, 'allowBodyToken') === true,
      allowQueryToken: optionalBoolean(options.allowQueryToken, 'allowQueryToken') === true,
      ...(dpop ? { dpopScheme: true } : {}),
    },
    maxTokenLength: positiveInteger(options.maxTokenLength, 8192, 'maxTokenLength', 1_048_576, 'characters'),
    binding,
  }
}

/** One issuer's options after validation, with every default applied. */
export interface SettledOptions extends VerifierSettings {
  issuer: string
  audience: string[]
  algorithms: string[]
  /** In seconds, as jose takes it (the option is given in milliseconds or as a duration string). */
  clockTolerance: number
  /** In seconds, as jose takes it (the option is given in milliseconds or as a duration string). */
  maxTokenAge: number | undefined
  requiredClaims: string[]
  profile: 'lenient' | 'rfc9068'
  scopeClaims: ScopeClaim[]
  audienceClaim: string
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
  /** The `isRevoked` hook, asked after verification and on every cache hit. */
  isRevoked: RevocationCheck | undefined
}

/** Validates the options of one issuer (unknown keys, types, bounds, URLs) and fills in defaults. */
export function settleOptions(options: VerifierOptions): SettledOptions {
  assertKnownKeys(options, VERIFIER_OPTION_KEYS, 'createVerifier options')
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp') === true
  const issuer = requireIssuerIdentifier(options.issuer, 'issuer', allowInsecureHttp, hasLocalKeys(options))
  const keySources = KEY_SOURCE_OPTIONS.filter((name) => options[name] !== undefined)
  if (keySources.length > 1) {
    throw new ConfigurationError(keySources[1]!, `give at most one of ${KEY_SOURCE_OPTIONS.map((name) => `"${name}"`).join(', ')} (got ${keySources.map((name) => `"${name}"`).join(' and ')})`)
  }
  if (options.jwksUri !== undefined) requireKeySetUrl(options.jwksUri, 'jwksUri', allowInsecureHttp, issuer)
  if (options.discoveryUrl !== undefined) requireKeySetUrl(options.discoveryUrl, 'discoveryUrl', allowInsecureHttp, issuer)
  assertJwks(options.jwks)
  const audience = settleAudience(options.audience)
  const algorithms = options.publicKey === undefined ? settleAlgorithms(options) : [settleFixedKey(options)!.alg]
  const shared = settleSharedOptions(options)
  const requiredClaims = new Set(['exp', ...(shared.audienceClaim === 'aud' ? [] : [shared.audienceClaim]), ...shared.requiredClaims, ...(shared.profile === 'rfc9068' ? RFC9068_REQUIRED_CLAIMS : [])])
  settleKeySourceLimits(options) // validated even when the keys are local, so that a typo never hides
  return {
    ...settleRequestOptions(options),
    issuer,
    issuers: [issuer],
    audience,
    algorithms,
    clockTolerance: shared.clockTolerance,
    maxTokenAge: shared.maxTokenAge,
    requiredClaims: [...requiredClaims],
    profile: shared.profile,
    scopeClaims: shared.scopeClaims,
    audienceClaim: shared.audienceClaim,
    claimChecks: shared.claimChecks,
    isRevoked: shared.isRevoked,
  }
}

/**
 * Validates the top level of a verifier with `issuers` at startup — also when a resolver decides the
 * issuers later, so that a bad shared option never waits for the first token — and settles what the
 * multi-issuer layer itself uses.
 */
export function settleMultiIssuerOptions(options: object): { timeoutDuration: number; maxIssuers: number; keySetCacheSize: number; discoveryCacheSize: number } {
  assertKnownKeys(options, MULTI_ISSUER_OPTION_KEYS, 'createVerifier options')
  const top = options as Partial<VerifierOptions> & { issuers?: unknown; maxIssuers?: unknown; keySetCacheSize?: unknown; discoveryCacheSize?: unknown }
  if (typeof top.issuers !== 'function' && (!Array.isArray(top.issuers) || top.issuers.length === 0)) {
    throw new ConfigurationError('issuers', `"issuers" must be a non-empty array or a function (a resolver); got ${describe(top.issuers)}`)
  }
  if (top.audience !== undefined) settleAudience(top.audience)
  optionalBoolean(top.allowInsecureHttp, 'allowInsecureHttp')
  if (top.algorithms !== undefined) assertKnownAlgorithms(optionalNameList(top.algorithms, 'algorithms', 'algorithm names')!)
  settleSharedOptions(top)
  settleRequestOptions(top)
  const maxIssuers = positiveInteger(top.maxIssuers, 100, 'maxIssuers', 100_000, 'issuers')
  // Remembered past an issuer's slot: small records (a key set is a few KB, a discovery result a URL).
  const remembered = Math.max(1_000, 10 * maxIssuers)
  return {
    timeoutDuration: settleKeySourceLimits(top).timeoutDuration,
    maxIssuers,
    keySetCacheSize: positiveInteger(top.keySetCacheSize, remembered, 'keySetCacheSize', 1_000_000, 'issuers'),
    discoveryCacheSize: positiveInteger(top.discoveryCacheSize, remembered, 'discoveryCacheSize', 1_000_000, 'issuers'),
  }
}

/**
 * Checks the keys of an `issuers` entry or a resolver's answer: options of the whole verifier are pointed
 * to the top level, misspelt ones get a suggestion. Values are checked when the entry is settled.
 */
export function assertIssuerEntry(entry: unknown, where: string, path: string): void {
  if (typeof entry === 'object' && entry !== null) {
    const misplaced = TOP_LEVEL_OPTION_KEYS.find((key) => Object.hasOwn(entry, key))
    if (misplaced !== undefined) {
      throw new ConfigurationError(`${path}.${misplaced}`, `"${misplaced}" in ${where} belongs at the top level of the createVerifier options (it applies to every issuer)`)
    }
  }
  assertKnownKeys(entry, ISSUER_ENTRY_KEYS, where, path)
  // The form of the identifier, named by its entry; whether http is allowed is settled with the entry's options.
  requireIssuerIdentifier(entry.issuer, `${path}.issuer`, true, hasLocalKeys(entry))
}

// Where one issuer's keys come from: at most one of these (none means discovery from `issuer`).
const KEY_SOURCE_OPTIONS = ['jwksUri', 'discoveryUrl', 'jwks', 'publicKey', 'secret'] as const

/** Whether the options give the keys themselves (nothing is fetched, so `issuer` need not be a URL). */
function hasLocalKeys(options: Partial<VerifierOptions>): boolean {
  return options.jwks !== undefined || options.secret !== undefined || options.publicKey !== undefined
}

// What single- and multi-issuer top levels share: checked the same way in both.
function settleSharedOptions(options: Partial<VerifierOptions>) {
  const profile = options.profile ?? 'lenient'
  if (profile !== 'lenient' && profile !== 'rfc9068') throw new ConfigurationError('profile', `"profile" must be "lenient" or "rfc9068"; got ${describe(profile)}`)
  const audienceClaim = options.audienceClaim ?? 'aud'
  if (typeof audienceClaim !== 'string' || audienceClaim === '') throw new ConfigurationError('audienceClaim', `"audienceClaim" must be a claim name; got ${describe(audienceClaim)}`)
  const maxTokenAge = options.maxTokenAge === undefined ? undefined : optionalDuration(options.maxTokenAge, 0, 'maxTokenAge', DURATION_BOUNDS.maxTokenAge) / 1000
  assertTokenCacheOption(options.tokenCache)
  optionalFunction(options.onEvent, 'onEvent')
  optionalStringRecord(options.fetchHeaders, 'fetchHeaders')
  optionalFunction(options.fetch, 'fetch')
  return {
    profile,
    audienceClaim,
    clockTolerance: optionalDuration(options.clockTolerance, 5_000, 'clockTolerance', DURATION_BOUNDS.clockTolerance) / 1000,
    maxTokenAge,
    requiredClaims: optionalNameList(options.requiredClaims, 'requiredClaims', 'claim names') ?? [],
    scopeClaims: (optionalNameList(options.scopeClaims, 'scopeClaims', 'claim names') ?? ['scope']) as ScopeClaim[],
    claimChecks: compileClaimChecks(options.claims),
    isRevoked: settleRevocation(options.isRevoked),
  }
}

function settleAudience(audience: VerifierOptions['audience']): string[] {
  const list = typeof audience === 'string' ? [audience] : Array.isArray(audience) ? [...audience] : []
  if (list.length === 0 || list.some((value) => typeof value !== 'string' || value === '')) {
    throw new ConfigurationError('audience', `"audience" is required (a non-empty string or array of strings: this API's identifier); got ${describe(audience)}`)
  }
  return list
}

function settleAlgorithms(options: VerifierOptions): string[] {
  const algorithms = optionalNameList(options.algorithms, 'algorithms', 'algorithm names') ?? [...(options.secret === undefined ? DEFAULT_ALGORITHMS : ['HS256'])]
  assertKnownAlgorithms(algorithms)
  const hmac = algorithms.filter((alg) => HMAC_ALGORITHMS.has(alg))
  if (options.secret === undefined && hmac.length > 0) {
    throw new ConfigurationError('algorithms', 'HS* algorithms need the "secret" option (they are never verified with a JWKS)')
  }
  if (options.secret !== undefined && hmac.length !== algorithms.length) {
    throw new ConfigurationError('algorithms', 'with "secret", "algorithms" may only list HS256/HS384/HS512')
  }
  return algorithms
}

function assertKnownAlgorithms(algorithms: readonly string[]): void {
  if (algorithms.length === 0) throw new ConfigurationError('algorithms', '"algorithms" must not be empty')
  for (const alg of algorithms) {
    if (!KNOWN_ALGORITHMS.has(alg)) throw new ConfigurationError('algorithms', `algorithm ${JSON.stringify(alg)} is not supported (supported: ${[...KNOWN_ALGORITHMS].join(', ')})`)
  }
}

function assertJwks(jwks: unknown): void {
  if (jwks === undefined) return
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new ConfigurationError('jwks', `"jwks" must be a JWK Set: an object with a "keys" array; got ${describe(jwks)}`)
  }
}

function assertTokenCacheOption(tokenCache: unknown): void {
  if (tokenCache === undefined || tokenCache === false) return
  if (typeof tokenCache !== 'object' || tokenCache === null || Array.isArray(tokenCache)) {
    throw new ConfigurationError('tokenCache', `"tokenCache" must be false (no cache) or an object such as { max: 10000 }; got ${describe(tokenCache)}`)
  }
  assertKnownKeys(tokenCache, ['max', 'maxSize'], 'the "tokenCache" option', 'tokenCache')
}

/** Settled key source durations (milliseconds) and limits (remote sources only). */
export function settleKeySourceLimits(options: Partial<VerifierOptions>) {
  return {
    cacheMaxAge: optionalDuration(options.cacheMaxAge, 600_000, 'cacheMaxAge', DURATION_BOUNDS.cacheMaxAge),
    discoveryCacheMaxAge: optionalDuration(options.discoveryCacheMaxAge, 86_400_000, 'discoveryCacheMaxAge', DURATION_BOUNDS.discoveryCacheMaxAge),
    cooldownDuration: optionalDuration(options.cooldownDuration, 30_000, 'cooldownDuration', DURATION_BOUNDS.cooldownDuration),
    timeoutDuration: optionalDuration(options.timeoutDuration, 5_000, 'timeoutDuration', DURATION_BOUNDS.timeoutDuration),
    maxStaleDuration: optionalDuration(options.maxStaleDuration, 86_400_000, 'maxStaleDuration', DURATION_BOUNDS.maxStaleDuration),
    retryDelay: optionalDuration(options.retryDelay, 1_000, 'retryDelay', DURATION_BOUNDS.retryDelay),
    maxResponseSize: positiveInteger(options.maxResponseSize, 512 * 1024, 'maxResponseSize', 16 * 1024 * 1024, 'bytes'),
    maxKeys: positiveInteger(options.maxKeys, 100, 'maxKeys', 10_000, 'keys'),
    honorCacheControl: optionalBoolean(options.honorCacheControl, 'honorCacheControl') !== false,
  }
}

/** The `publicKey` option checked, with its one algorithm; `undefined` without it. */
export function settleFixedKey(options: Pick<VerifierOptions, 'publicKey' | 'algorithms'>): SettledPublicKey | undefined {
  return options.publicKey === undefined ? undefined : settlePublicKey(options.publicKey, options.algorithms, ASYMMETRIC_ALGORITHMS)
}

/** The secret as bytes, refusing blank or short ones (RFC 7518 §3.2: at least the hash size). */
export function settleSecret(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    throw new ConfigurationError('secret', '"secret" must be at least 32 bytes (a string or a Uint8Array)')
  }
  return bytes
}

/** Checks an absolute http(s) URL option (scheme rules are applied by {@link settleOptions}). */
export function requireUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigurationError(name, `"${name}" must be an absolute http(s) URL`)
  }
  return value
}
