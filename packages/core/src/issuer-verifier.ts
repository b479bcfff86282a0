/**
 * The token check for one issuer: signature with that issuer's keys only (RFC 8725 §3.8), the verifier's
 * algorithm allowlist (§3.1), `iss`, `aud`, `exp`, `nbf`, required claims, explicit type (§3.11). It knows
 * nothing of requests, scopes requirements or caching; `verify.ts` composes those around it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose'
import type { ChallengeContext } from './challenge.js'
import { firstFailedClaim, type ClaimCheck } from './claims.js'
import { InvalidTokenError } from './errors.js'
import { refusalFor } from './jose-refusal.js'
import { LocalKeySource, type KeySource } from './key-source.js'
import { requireUrl, settleKeySourceLimits, settleOptions, settleSecret, type SettledOptions, type VerifierOptions } from './options.js'
import { assertProfileClaims } from './profile-claims.js'
import { RemoteKeySource } from './remote-key-source.js'
import { readScopes } from './scopes.js'
import { deepFreeze } from './deep-freeze.js'
import { isAcceptedType } from './token-type.js'
import type { AccessTokenClaims, AuthContext } from './verify.js'

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
export interface IssuerVerifier {
  readonly settings: SettledOptions
  readonly keySource: KeySource
  /** Verifies `token` fully (no cache). Throws a `TokenGuardError`. */
  check(token: string): Promise<CheckedToken>
}

/** Builds the verifier of one issuer; `onKeysRemoved` lets the caller drop cached results. */
export function createIssuerVerifier(options: VerifierOptions, onKeysRemoved: () => void): IssuerVerifier {
  const settings = settleOptions(options)
  const limits = settleKeySourceLimits(options) // validated even when unused, so a typo never hides
  const keySource = createKeySource(options, limits, onKeysRemoved)
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
      const { payload, protectedHeader } = await jwtVerify(token, keySource.getKey, joseOptions)
      if (!isAcceptedType(protectedHeader, settings.profile)) {
        throw new InvalidTokenError({ ...settings.challenge, reason: 'token_type_not_allowed', detail: 'the "typ" header names another kind of JWT' })
      }
      const claims = payload as AccessTokenClaims
      assertFiniteTimes(claims, settings)
      assertProfileClaims(claims, settings.profile, settings.challenge)
      assertAudienceClaim(claims, settings)
      assertClaimChecks(claims, settings.claimChecks, settings.challenge)
      const context = deepFreeze({ token, header: protectedHeader, claims, scopes: readScopes(claims, settings.scopeClaims) })
      return { context, keySource, claimChecks: settings.claimChecks, ...validityWindow(claims, settings) }
    } catch (error) {
      throw refusalFor(error, settings.challenge)
    }
  }

  return { settings, keySource, check }
}

/** The verifier's `claims` option: 401 `claim_invalid` naming the first check that fails. */
export function assertClaimChecks(claims: Record<string, unknown>, checks: ReadonlyArray<readonly [string, ClaimCheck]>, challenge: ChallengeContext): void {
  const failed = firstFailedClaim(claims, checks)
  if (failed !== undefined) {
    throw new InvalidTokenError({ ...challenge, reason: 'claim_invalid', detail: `claim "${failed}" does not satisfy the "claims" option` })
  }
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
    throw new InvalidTokenError({ ...settings.challenge, reason: 'audience_mismatch', detail: `claim "${settings.audienceClaim}" does not name this API` })
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

function createKeySource(options: VerifierOptions, limits: ReturnType<typeof settleKeySourceLimits>, onKeysRemoved: () => void): KeySource {
  const given = [options.jwks, options.secret, options.jwksUri].filter((value) => value !== undefined).length
  if (given > 1) throw new TypeError('tokenguard: give at most one of "jwksUri", "jwks" and "secret"')
  if (options.secret !== undefined) return LocalKeySource.fromSecret(settleSecret(options.secret))
  if (options.jwks !== undefined) return LocalKeySource.fromJwks(options.jwks)
  return new RemoteKeySource({
    ...limits,
    issuer: options.jwksUri === undefined ? requireUrl(options.issuer, 'issuer') : options.issuer,
    jwksUri: options.jwksUri === undefined ? undefined : requireUrl(options.jwksUri, 'jwksUri'),
    headers: options.fetchHeaders,
    allowInsecureHttp: options.allowInsecureHttp === true,
    snapshot: options.keySnapshot,
    onEvent: options.onEvent,
    onKeysRemoved,
  })
}
