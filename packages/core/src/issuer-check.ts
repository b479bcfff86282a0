/**
 * The token check for one issuer: the token must name this issuer (checked before its `kid` is looked up, so
 * a foreign token never makes us refetch), its signature must verify with this issuer's keys only (RFC 8725
 * §3.8) under the algorithm allowlist (§3.1), then `aud`, `exp`, `nbf`, required claims, explicit type
 * (§3.11), and no unverified sender binding. It knows nothing of requests, route requirements or caching.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose'
import type { AccessTokenClaims, AuthContext } from './auth-context.js'
import type { ChallengeContext } from './challenge.js'
import { firstFailedClaim, type ClaimCheck } from './claims.js'
import { deepFreeze } from './deep-freeze.js'
import { InvalidTokenError } from './errors.js'
import { refusalFor } from './jose-refusal.js'
import { LocalKeySource, type DiscoveryRecord, type KeySource } from './key-source.js'
import { requireUrl, settleFixedKey, settleKeySourceLimits, settleOptions, settleSecret, type SettledOptions, type VerifierOptions } from './options.js'
import { assertProfileClaims } from './profile-claims.js'
import { PublicKeySource } from './public-key.js'
import { RemoteKeySource } from './remote-key-source.js'
import { readScopes } from './scopes.js'
import { factsOf, readUnverified } from './token-facts.js'
import { isAcceptedType } from './token-type.js'

/** A verified token with the clock window (epoch seconds) in which the result stays valid. */
export interface CheckedToken {
  context: AuthContext<object>
  /** The key source that verified it, kept current on cache hits. */
  keySource: KeySource
  /** The verifier's `claims` checks, applied again on every cache hit (predicates may change their mind). */
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
  validFrom: number
  validUntil: number
}

/** One issuer's rules and keys. */
export interface IssuerCheck {
  readonly settings: SettledOptions
  readonly keySource: KeySource
  /** Verifies `token` fully (no cache). Throws a `TokenGuardError`. */
  check(token: string): Promise<CheckedToken>
}

/**
 * Builds the check of one issuer; `onKeysRemoved` lets the owner of the token cache drop cached results,
 * `discovered` is what an earlier check of this issuer discovered (a resolver's issuer coming back).
 */
export function createIssuerCheck(options: VerifierOptions, onKeysRemoved: () => void, discovered?: DiscoveryRecord): IssuerCheck {
  const settings = settleOptions(options)
  const limits = settleKeySourceLimits(options) // validated even when unused, so a typo never hides
  const keySource = createKeySource(options, limits, onKeysRemoved, discovered)
  const joseOptions: JWTVerifyOptions = {
    algorithms: settings.algorithms,
    issuer: settings.issuer,
    ...(settings.audienceClaim === 'aud' ? { audience: settings.audience } : {}),
    clockTolerance: settings.clockTolerance,
    requiredClaims: settings.requiredClaims,
    ...(settings.maxTokenAge === undefined ? {} : { maxTokenAge: settings.maxTokenAge }),
  }

  async function check(token: string): Promise<CheckedToken> {
    try {
      // Keys first (a cold fetch, single flight): a misconfigured or unreachable issuer answers 503 for every
      // token, whatever it names; then the issuer pre-check, before any `kid` could cause a refetch.
      const getKey = await keySource.usable()
      assertNamesIssuer(token, settings)
      const { payload, protectedHeader } = await jwtVerify(token, getKey, joseOptions)
      if (!isAcceptedType(protectedHeader, settings.profile)) {
        throw new InvalidTokenError({ ...settings.challenge, reason: 'token_type_not_allowed', detail: `the "typ" header ${JSON.stringify(protectedHeader.typ)} names another kind of JWT` })
      }
      const claims = payload as AccessTokenClaims
      assertFiniteTimes(claims, settings)
      assertProfileClaims(claims, settings.profile, settings.challenge)
      assertAudienceClaim(claims, settings)
      await assertClaimChecks(claims, settings.claimChecks, settings.challenge)
      assertNoUnverifiedBinding(claims, settings)
      const context = deepFreeze({ token, header: protectedHeader, claims, scopes: readScopes(claims, settings.scopeClaims) })
      return { context, keySource, claimChecks: settings.claimChecks, ...validityWindow(claims, settings) }
    } catch (error) {
      throw refusalFor(error, settings.challenge, factsOf(token))
    }
  }

  return { settings, keySource, check }
}

/**
 * The verifier's `claims` option: 401 `claim_invalid` naming the first check that fails; a promise once a
 * predicate answers with one (503 `claim_check_unavailable` when it rejects).
 */
export function assertClaimChecks(claims: Record<string, unknown>, checks: ReadonlyArray<readonly [string, ClaimCheck]>, challenge: ChallengeContext): void | Promise<void> {
  const failed = firstFailedClaim(claims, checks)
  if (failed instanceof Promise) return failed.then((name) => refuseInvalidClaim(name, challenge))
  refuseInvalidClaim(failed, challenge)
}

function refuseInvalidClaim(failed: string | undefined, challenge: ChallengeContext): void {
  if (failed !== undefined) throw new InvalidTokenError({ ...challenge, reason: 'claim_invalid', detail: `claim "${failed}" does not satisfy the "claims" option` })
}

/** A token from another issuer is refused on its unverified `iss` alone: its `kid` must not cause a key fetch. */
function assertNamesIssuer(token: string, settings: SettledOptions): void {
  const read = readUnverified(token)
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

/**
 * A token bound to a key (`cnf.jkt`, DPoP) or a certificate (`cnf["x5t#S256"]`, mTLS) is worthless to a
 * thief only if the binding is proven; a bearer request proves none, so such a token is refused (RFC 9449
 * §7.2, RFC 8705 §3) until the proof is verified.
 */
function assertNoUnverifiedBinding(claims: Record<string, unknown>, settings: SettledOptions): void {
  if (claims.cnf === undefined) return
  const methods = typeof claims.cnf === 'object' && claims.cnf !== null ? Object.keys(claims.cnf).join(', ') : typeof claims.cnf
  throw new InvalidTokenError({ ...settings.challenge, reason: 'token_binding_unverified', detail: `the token is sender-constrained (cnf: ${methods}) and this request does not prove the binding` })
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

function createKeySource(options: VerifierOptions, limits: ReturnType<typeof settleKeySourceLimits>, onKeysRemoved: () => void, discovered: DiscoveryRecord | undefined): KeySource {
  if (options.secret !== undefined) return LocalKeySource.fromSecret(settleSecret(options.secret))
  if (options.jwks !== undefined) return LocalKeySource.fromJwks(options.jwks)
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
    onEvent: options.onEvent,
    onKeysRemoved,
  })
}
