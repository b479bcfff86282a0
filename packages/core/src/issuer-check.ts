/**
 * The token check for one issuer: the token must name this issuer (checked before its `kid` is looked up, so
 * a foreign token never makes us refetch), its signature must verify with this issuer's keys only (RFC 8725
 * §3.8) under the algorithm allowlist (§3.1), then `aud`, `exp`, `nbf`, required claims and explicit type
 * (§3.11). With `introspection`, the tokens `tokenFormat` assigns to it are introspected instead
 * (`introspection-check.ts`), into the same {@link CheckedToken}. It knows nothing of requests, route
 * requirements or caching; a sender binding (`cnf`) is checked per request, against the issuer's `binding`
 * rules the result carries (`binding.ts`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import type { JWTPayload, JWTVerifyOptions } from 'jose'
import { verifyJwt } from './jwt-verify.js'
import type { AccessTokenClaims } from './auth-context.js'
import { runSeconds, type CheckRun, type CheckTrace } from './check-trace.js'
import type { CheckedToken } from './checked-token.js'
import { assertClaimChecks } from './claims.js'
import { isCanonicalCompactJws } from './compact-syntax.js'
import { deepFreeze } from './deep-freeze.js'
import { InvalidTokenError } from './errors.js'
import { createIntrospectionCheck, type IntrospectionCheck } from './introspection-check.js'
import { settleIntrospection } from './introspection-options.js'
import { refusalFor } from './jose-refusal.js'
import { keyIdentityOf } from './key-set.js'
import { LocalKeySource, type DiscoveryRecord, type KeySource } from './key-source.js'
import { requireUrl, settleFixedKey, settleKeySourceLimits, settleOptions, settleSecret, type SettledOptions, type VerifierOptions } from './options.js'
import { NO_KEY_OBSERVATION, type KeyObservation } from './observability/key-observation.js'
import { assertProfileClaims } from './profile-claims.js'
import { PublicKeySource } from './public-key.js'
import { RemoteKeySource } from './remote-key-source.js'
import { readScopes } from './scopes.js'
import { factsOfRead, readUnverified, type UnverifiedToken } from './token-facts.js'
import { isIntrospected, settleTokenFormat, type TokenFormat } from './token-format.js'
import { isAcceptedType } from './token-type.js'

export type { CheckedToken } from './checked-token.js'

/** One issuer's rules and keys. */
export interface IssuerCheck {
  readonly settings: SettledOptions
  readonly keySource: KeySource
  /** Which tokens it verifies locally and which it introspects. */
  readonly tokenFormat: TokenFormat
  /** Verifies `token` fully (no cache). Throws a `TokenGuardError`. `run` explains it (`explain.ts`). */
  check(token: string, run?: CheckRun): Promise<CheckedToken>
}

/**
 * Builds the check of one issuer; `onKeysRemoved` lets the owner of the token cache drop what removed keys verified,
 * `observation` is the verifier's metrics, channel and tracing for this issuer's key source, and
 * `discovered` is what an earlier check of this issuer discovered (a resolver's issuer coming back).
 */
export function createIssuerCheck(options: VerifierOptions, onKeysRemoved: KeysRemoved, observation: KeyObservation = NO_KEY_OBSERVATION, discovered?: DiscoveryRecord): IssuerCheck {
  const settings = settleOptions(options)
  const limits = settleKeySourceLimits(options) // validated even when unused, so a typo never hides
  const keySource = createKeySource(options, settings, limits, onKeysRemoved, observation, discovered)
  observation.watch(settings.issuer, keySource)
  const introspection = introspectionFor(options, settings, limits, keySource, observation)
  const tokenFormat = settleTokenFormat(options.tokenFormat, introspection !== undefined)
  // Rules each use of the result is checked against (cache hits too): the sender binding and revocation.
  const bindingRules = { binding: settings.binding, clockTolerance: settings.clockTolerance, challenge: settings.challenge, isRevoked: settings.isRevoked }
  const joseOptions = joseOptionsFor(settings)

  async function check(token: string, run?: CheckRun): Promise<CheckedToken> {
    // An introspected token is not traced (an explained run reports its outcome only); it carries this
    // issuer's binding rules like a verified JWT.
    if (introspection !== undefined && isIntrospected(token, tokenFormat)) return { ...(await introspection.check(token)), ...bindingRules }
    const trace = run?.trace
    // Decoded once, for the issuer pre-check and, on a refusal, its facts (a refusal before the pre-check reads it then).
    let read: UnverifiedToken | undefined
    try {
      trace?.issuer(settings)
      assertCanonicalJws(token, settings)
      trace?.passed('token_syntax')
      // Keys first (a cold fetch, single flight): a misconfigured or unreachable issuer answers 503 for every
      // token, whatever it names; then the issuer pre-check, before any `kid` could cause a refetch.
      const getKey = await keySource.usable()
      trace?.passed('keys_usable')
      read = readUnverified(token)
      assertNamesIssuer(read, settings)
      trace?.passed('issuer_precheck')
      const explained = run === undefined ? undefined : { ...joseOptions, currentDate: run.at }
      const { payload, protectedHeader, key } = await verifyJwt(token, trace === undefined ? getKey : tracedGetKey(getKey, trace), explained ?? joseOptions)
      trace?.passed('jwt')
      if (!isAcceptedType(protectedHeader, settings.profile)) {
        throw new InvalidTokenError({ ...settings.challenge, reason: 'token_type_not_allowed', detail: `the "typ" header ${JSON.stringify(protectedHeader.typ)} names another kind of JWT` })
      }
      trace?.passed('typ')
      const claims = payload as AccessTokenClaims
      assertFiniteTimes(claims, settings)
      trace?.passed('finite_times')
      assertProfileClaims(claims, settings.profile, settings.challenge)
      trace?.passed('profile_claims')
      assertAudienceClaim(claims, settings)
      trace?.passed('audience_claim')
      await assertClaimChecks(claims, settings.claimChecks, settings.challenge)
      trace?.passed('claims_option')
      const context = deepFreeze({ token, header: protectedHeader, claims, scopes: readScopes(claims, settings.scopeClaims) })
      return { context, keySource, keyIdentity: keyIdentityOf(key), claimChecks: settings.claimChecks, ...bindingRules, ...validityWindow(claims, settings) }
    } catch (error) {
      throw refusalFor(error, settings.challenge, factsOfRead(read ?? readUnverified(token), runSeconds(run)))
    }
  }

  return { settings, keySource, tokenFormat, check }
}

/** What jose checks of a token for one issuer: the allowlist, `iss`, `aud` (unless another claim names the audience), the clock, required claims. */
export function joseOptionsFor(settings: SettledOptions): JWTVerifyOptions {
  return {
    algorithms: settings.algorithms,
    issuer: settings.issuer,
    ...(settings.audienceClaim === 'aud' ? { audience: settings.audience } : {}),
    clockTolerance: settings.clockTolerance,
    requiredClaims: settings.requiredClaims,
    ...(settings.maxTokenAge === undefined ? {} : { maxTokenAge: settings.maxTokenAge }),
  }
}

function introspectionFor(options: VerifierOptions, settings: SettledOptions, limits: ReturnType<typeof settleKeySourceLimits>, keySource: KeySource, observation: KeyObservation): IntrospectionCheck | undefined {
  const allowInsecureHttp = options.allowInsecureHttp === true
  const introspection = settleIntrospection(options.introspection, { issuer: settings.issuer, allowInsecureHttp })
  if (introspection === undefined) return undefined
  return createIntrospectionCheck({
    introspection,
    // The answer has no header and no RFC 9068 profile: only the claims the operator asked for are required.
    rules: { ...settings, requireAudience: introspection.requireAudience, requiredClaims: [...(options.requiredClaims ?? [])] },
    scopeClaims: settings.scopeClaims,
    algorithms: settings.algorithms,
    keySource,
    limits,
    headers: options.fetchHeaders,
    fetch: options.fetch,
    discoveryUrl: options.discoveryUrl,
    allowInsecureHttp,
    onEvent: observation.listener(settings.issuer, options.onEvent),
    onRequest: observation.introspection(settings.issuer),
  })
}

/**
 * One spelling per token (see `compact-syntax.ts`): a JWT in any other form is malformed. Opaque tokens
 * never get here: they are introspected or, without introspection, refused here too.
 */
function assertCanonicalJws(token: string, settings: SettledOptions): void {
  if (!isCanonicalCompactJws(token)) {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'token is not a compact JWS in canonical base64url' })
  }
}

/** jose asks for a key only once `alg` passed the allowlist: the call and its answer are both steps. */
function tracedGetKey(getKey: KeySource['getKey'], trace: CheckTrace): KeySource['getKey'] {
  return async (header, token) => {
    trace.passed('algorithm')
    const key = await getKey(header, token)
    trace.passed('key')
    return key
  }
}

/** A token from another issuer is refused on its unverified `iss` alone (`read`: the token, decoded): its `kid` must not cause a key fetch. */
function assertNamesIssuer(read: UnverifiedToken | undefined, settings: SettledOptions): void {
  // Not a decodable JWS (no header `alg`, no JSON payload): jose refuses it as malformed, before any key lookup.
  if (read === undefined || typeof read.header.alg !== 'string') return
  const iss = read.payload.iss
  if (iss === settings.issuer) return
  throw new InvalidTokenError({
    ...settings.challenge,
    reason: iss === undefined ? 'claim_missing' : 'issuer_mismatch',
    detail: iss === undefined ? 'the token has no "iss" claim' : `token "iss" ${JSON.stringify(iss)} is not the configured issuer ${JSON.stringify(settings.issuer)}`,
  })
}

/** `exp: 1e999` parses to `Infinity` — a token that never expires; jose itself never signs one. */
function assertFiniteTimes(claims: Record<string, unknown>, settings: SettledOptions): void {
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name]
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InvalidTokenError({ ...settings.challenge, reason: 'claim_invalid', detail: `claim "${name}" is not a finite number` })
    }
  }
}

/** With `audienceClaim` other than `aud` (jose checks `aud`): the named claim must name this API. */
function assertAudienceClaim(claims: Record<string, unknown>, settings: SettledOptions): void {
  if (settings.audienceClaim === 'aud') return
  const value = claims[settings.audienceClaim]
  const named = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  if (!named.some((audience) => settings.audience.includes(audience as string))) {
    throw new InvalidTokenError({
      ...settings.challenge,
      reason: 'audience_mismatch',
      detail: `claim "${settings.audienceClaim}" ${JSON.stringify(value)} does not name this API (expected one of ${JSON.stringify(settings.audience)})`,
    })
  }
}

/**
 * The clock window in which a verified token stays valid, mirroring jose's checks: from `nbf` (and `iat`
 * when `maxTokenAge` applies) minus the tolerance, until `exp` (or `iat + maxTokenAge`) plus the tolerance.
 */
function validityWindow(claims: JWTPayload, settings: SettledOptions): { validFrom: number; validUntil: number } {
  const tolerance = settings.clockTolerance
  let validFrom = typeof claims.nbf === 'number' ? claims.nbf - tolerance : Number.NEGATIVE_INFINITY
  let validUntil = (claims.exp as number) + tolerance
  if (settings.maxTokenAge !== undefined && typeof claims.iat === 'number') {
    validFrom = Math.max(validFrom, claims.iat - tolerance)
    validUntil = Math.min(validUntil, claims.iat + settings.maxTokenAge + tolerance)
  }
  return { validFrom, validUntil }
}

/** Told the identities (`keyIdentityOf`) of keys that left the key set, so that what they verified is dropped. */
export type KeysRemoved = (removedIdentities: string[]) => void

function createKeySource(
  options: VerifierOptions,
  settings: SettledOptions,
  limits: ReturnType<typeof settleKeySourceLimits>,
  onKeysRemoved: KeysRemoved,
  observation: KeyObservation,
  discovered: DiscoveryRecord | undefined,
): KeySource {
  if (options.secret !== undefined) return LocalKeySource.fromSecret(settleSecret(options.secret))
  // Keys without `alg` are bound to one of the verifier's algorithms (RFC 8725 §3.1, `algorithm-binding.ts`).
  if (options.jwks !== undefined) return LocalKeySource.fromJwks(options.jwks, settings.algorithms, settings.issuer)
  const fixedKey = settleFixedKey(options)
  if (fixedKey !== undefined) return new PublicKeySource(fixedKey)
  return new RemoteKeySource({
    ...limits,
    issuer: options.jwksUri === undefined ? requireUrl(options.issuer, 'issuer') : options.issuer,
    jwksUri: options.jwksUri === undefined ? undefined : requireUrl(options.jwksUri, 'jwksUri'),
    discoveryUrl: options.discoveryUrl,
    discovered,
    headers: options.fetchHeaders,
    fetch: options.fetch,
    allowInsecureHttp: options.allowInsecureHttp === true,
    snapshot: options.keySnapshot,
    onEvent: observation.listener(options.issuer, options.onEvent),
    algorithms: settings.algorithms,
    onKeysRemoved,
    trace: observation.trace,
  })
}
