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
  const keySource = createKeySource(options)
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
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keySource.getKey, joseOptions)
      if (!isAcceptedType(protectedHeader, settings.profile)) {
        throw new InvalidTokenError({ ...settings.challenge, reason: 'token_type_not_allowed', detail: 'the "typ" header names another kind of JWT' })
      }
      const claims = payload as AccessTokenClaims & TClaims
      return { token, header: protectedHeader, claims, scopes: readScopes(claims, settings.scopeClaims) }
    } catch (error) {
      throw refusalFor(error, settings.challenge)
    }
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

function createKeySource(options: VerifierOptions): KeySource {
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
  })
}
