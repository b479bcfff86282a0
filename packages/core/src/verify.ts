/**
 * The verifier: one issuer, one key source, one set of rules. `verify()` is the whole token check: size,
 * signature (jose, with the verifier's algorithm allowlist and the issuer's keys only), `iss`, `aud`, `exp`,
 * `nbf`, required claims, explicit type, then scopes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3
 */
import { jwtVerify, type JWTHeaderParameters, type JWTPayload, type JWTVerifyOptions } from 'jose'
import { authenticateRequest, authorize, compileRequirement, type RouteRequirement, type RouteRequirementInit } from './authenticate.js'
import { InvalidTokenError } from './errors.js'
import type { RequestLike } from './extract.js'
import { refusalFor } from './jose-refusal.js'
import { SecretKeySource, StaticKeySource, type KeySource } from './key-source.js'
import { requireUrl, settleKeySourceLimits, settleOptions, settleSecret, type SettledOptions, type VerifierOptions } from './options.js'
import { RemoteKeySource } from './remote-key-source.js'
import { assertScopes, readScopes, scopeRequirement } from './scopes.js'
import { deepFreeze, TokenCache } from './token-cache.js'
import { isAcceptedType } from './token-type.js'

/** Claims of a JWT access token (RFC 9068 §2.2) plus the scope claims providers use. */
export interface AccessTokenClaims extends JWTPayload {
  scope?: string
  client_id?: string
  scp?: string | string[]
  permissions?: string[]
  roles?: string[]
}

/**
 * What a verified token says. `TClaims` types the application's own claims.
 */
export interface AuthContext<TClaims extends object = Record<string, unknown>> {
  /** The raw access token (e.g. to call a downstream API on the caller's behalf). */
  readonly token: string
  /** The token's protected header. */
  readonly header: JWTHeaderParameters
  /** The verified claims. */
  readonly claims: AccessTokenClaims & TClaims
  /** The granted scopes, merged from the configured scope claims. */
  readonly scopes: ReadonlySet<string>
}

/** Per-call requirements of {@link Verifier.verify}. */
export interface VerifyRequirements {
  /** Every one of these scopes is needed. */
  scopes?: readonly string[] | undefined
  /** At least one of these scopes is needed. */
  anyScopes?: readonly string[] | undefined
}

/** A configured verifier. Create one per issuer at startup and reuse it. */
export interface Verifier {
  /**
   * Verifies `token` and checks `requirements`.
   *
   * @throws {InvalidTokenError} 401 for any token that is not valid for this API.
   * @throws {InsufficientScopeError} 403 when a required scope is missing.
   * @throws {KeysUnavailableError} 503 when the issuer's keys cannot be had.
   */
  verify<TClaims extends object = Record<string, unknown>>(token: string, requirements?: VerifyRequirements): Promise<AuthContext<TClaims>>
  /**
   * Extracts the token from `request` (RFC 6750 §2) and verifies it against a requirement compiled by
   * {@link Verifier.requirement}. Resolves `undefined` for an optional route without credentials.
   */
  authenticate<TClaims extends object = Record<string, unknown>>(request: RequestLike, requirement?: RouteRequirement): Promise<AuthContext<TClaims> | undefined>
  /**
   * Applies a compiled requirement's scope and claim checks to an already verified token (for guards that
   * run after authentication).
   */
  authorize(context: AuthContext<object>, requirement: RouteRequirement): void
  /** Compiles a route requirement once (throws a `TypeError` on bad input), for use with `authenticate`. */
  requirement(init?: RouteRequirementInit): RouteRequirement
  /** Resolves once discovery and the key set are fetched; await it before listening to warm up. */
  ready(): Promise<void>
  /** The key source (refresh, export/import of snapshots). */
  readonly keySource: KeySource
  /** The settled options (issuer, audience, algorithms…), e.g. to publish resource metadata. */
  readonly settings: Readonly<SettledOptions>
}

/**
 * Creates a verifier. Options are validated here, once; nothing is fetched until the first token or
 * `ready()`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' })
 * await verifier.ready()
 * const auth = await verifier.verify(token, { scopes: ['read:data'] })
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const settings = settleOptions(options)
  const cache = options.tokenCache === false ? undefined : new TokenCache<AuthContext<object>>(options.tokenCache)
  const keySource = createKeySource(options, () => cache?.clear())
  const joseOptions: JWTVerifyOptions = {
    algorithms: settings.algorithms,
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: settings.clockTolerance,
    requiredClaims: settings.requiredClaims,
    ...(settings.maxTokenAge === undefined ? {} : { maxTokenAge: settings.maxTokenAge }),
  }

  async function verifyToken<TClaims extends object>(token: string): Promise<AuthContext<TClaims>> {
    assertPlausibleToken(token, settings)
    const cached = cache?.get(token, epochSeconds())
    if (cached !== undefined) return cached as AuthContext<TClaims>
    let context: AuthContext<TClaims>
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keySource.getKey, joseOptions)
      if (!isAcceptedType(protectedHeader, settings.profile)) {
        throw new InvalidTokenError({ ...settings.challenge, reason: 'token_type_not_allowed', detail: 'the "typ" header names another kind of JWT' })
      }
      const claims = payload as AccessTokenClaims & TClaims
      context = deepFreeze({ token, header: protectedHeader, claims, scopes: readScopes(claims, settings.scopeClaims) })
    } catch (error) {
      throw refusalFor(error, settings.challenge)
    }
    cache?.set(token, context, ...validityWindow(context.claims, settings))
    return context
  }

  const verifier: Verifier = {
    async verify<TClaims extends object>(token: string, requirements?: VerifyRequirements) {
      const context = await verifyToken<TClaims>(token)
      if (requirements !== undefined) assertScopes(context.scopes, scopeRequirement(requirements.scopes, requirements.anyScopes), settings.challenge)
      return context
    },
    authenticate<TClaims extends object>(request: RequestLike, requirement?: RouteRequirement) {
      return authenticateRequest(request, requirement ?? DEFAULT_REQUIREMENT, settings, verifyToken<TClaims>)
    },
    authorize: (context, requirement) => authorize(context, requirement, settings),
    requirement: compileRequirement,
    ready: () => keySource.ready(),
    keySource,
    settings,
  }
  return verifier
}

const DEFAULT_REQUIREMENT = compileRequirement()

function assertPlausibleToken(token: unknown, settings: SettledOptions): asserts token is string {
  if (typeof token !== 'string' || token === '') {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'token is empty or not a string' })
  }
  if (token.length > settings.maxTokenLength) {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_too_large', detail: `token of ${token.length} characters exceeds ${settings.maxTokenLength}` })
  }
}

/**
 * The clock window in which a verified token stays valid, mirroring jose's checks: from `nbf` (and `iat`
 * when `maxTokenAge` applies) minus the tolerance, until `exp` (or `iat + maxTokenAge`) plus the tolerance.
 */
function validityWindow(claims: JWTPayload, settings: SettledOptions): [validFrom: number, validUntil: number] {
  const tolerance = settings.clockTolerance
  let validFrom = typeof claims.nbf === 'number' ? claims.nbf - tolerance : Number.NEGATIVE_INFINITY
  let validUntil = (claims.exp as number) + tolerance
  if (settings.maxTokenAge !== undefined && typeof claims.iat === 'number') {
    validFrom = Math.max(validFrom, claims.iat - tolerance)
    validUntil = Math.min(validUntil, claims.iat + settings.maxTokenAge + tolerance)
  }
  return [validFrom, validUntil]
}

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

function createKeySource(options: VerifierOptions, onKeysRemoved: () => void): KeySource {
  const given = [options.jwks, options.secret, options.jwksUri].filter((value) => value !== undefined).length
  if (given > 1) throw new TypeError('tokenguard: give at most one of "jwksUri", "jwks" and "secret"')
  if (options.secret !== undefined) return new SecretKeySource(settleSecret(options.secret))
  if (options.jwks !== undefined) return new StaticKeySource(options.jwks)
  return new RemoteKeySource({
    ...settleKeySourceLimits(options),
    issuer: options.jwksUri === undefined ? requireUrl(options.issuer, 'issuer') : options.issuer,
    jwksUri: options.jwksUri === undefined ? undefined : requireUrl(options.jwksUri, 'jwksUri'),
    headers: options.fetchHeaders,
    snapshot: options.keySnapshot,
    onEvent: options.onEvent,
    onKeysRemoved,
  })
}
