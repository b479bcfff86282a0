/**
 * The verifier: the public face of token checking. `verify()` is size → verified-token cache → the
 * issuer's full check (`issuer-verifier.ts`: signature, claims, type) → scopes. With several issuers,
 * `multi-issuer.ts` picks the issuer first. `authenticate()` adds RFC 6750 extraction in front.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose'
import { authenticateRequest, authorize, compileRequirement, type RouteRequirement, type RouteRequirementInit, type TokenChecker } from './authenticate.js'
import { isCanonicalCompactJws } from './compact-syntax.js'
import { InvalidTokenError } from './errors.js'
import type { RequestLike } from './extract.js'
import { assertClaimChecks, createIssuerVerifier, type CheckedToken } from './issuer-verifier.js'
import type { KeySource } from './key-source.js'
import { createMultiIssuerVerifier, type MultiIssuerOptions } from './multi-issuer.js'
import type { VerifierOptions, VerifierSettings } from './options.js'
import { deepFreeze } from './deep-freeze.js'
import { tokenCacheFrom, type TokenCache } from './token-cache.js'

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
   * {@link Verifier.authenticate} for adapters: the outcome synchronously when it needs no I/O or crypto
   * (a cached token, no token, a malformed request; refusals are then thrown), else a Promise.
   */
  authenticateMaybeSync<TClaims extends object = Record<string, unknown>>(
    request: RequestLike,
    requirement?: RouteRequirement,
  ): AuthContext<TClaims> | undefined | Promise<AuthContext<TClaims> | undefined>
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
  /** Issuers, audience, algorithms and request options, e.g. to publish resource metadata. */
  readonly settings: Readonly<VerifierSettings>
}

/**
 * Creates a verifier for one issuer (`issuer`) or several (`issuers`). Options are validated here, once;
 * nothing is fetched until the first token or `ready()`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' })
 * await verifier.ready()
 * const auth = await verifier.verify(token, { scopes: ['read:data'] })
 * ```
 */
export function createVerifier(options: VerifierOptions | MultiIssuerOptions): Verifier {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: options must be an object')
  if ('issuers' in options && options.issuers !== undefined) {
    return createMultiIssuerVerifier(options as MultiIssuerOptions, assembleVerifier)
  }
  const single = options as VerifierOptions
  const cache = tokenCacheFrom<CheckedToken>(single.tokenCache)
  const issuer = createIssuerVerifier(single, () => cache?.clear())
  return assembleVerifier(issuer.settings, cache, issuer.check, issuer.keySource)
}

/** Puts size limit, cache, token check and requirements together into the public {@link Verifier}. */
export function assembleVerifier(
  settings: VerifierSettings,
  cache: TokenCache<CheckedToken> | undefined,
  check: (token: string) => Promise<CheckedToken>,
  keySource: KeySource,
): Verifier {
  // Frozen: jose reads the same algorithm and audience lists, so a caller must not be able to widen them.
  deepFreeze(settings)
  function cachedToken<TClaims extends object>(token: string): AuthContext<TClaims> | undefined {
    assertPlausibleToken(token, settings)
    const hit = cache?.get(token, epochSeconds())
    if (hit === undefined) return undefined
    hit.keySource.maintain() // a hit skips key lookup: keep the key set's lifecycle going all the same
    assertClaimChecks(hit.context.claims, hit.claimChecks, settings.challenge)
    return hit.context as AuthContext<TClaims>
  }

  async function verifyToken<TClaims extends object>(token: string): Promise<AuthContext<TClaims>> {
    return cachedToken<TClaims>(token) ?? verifyUncached<TClaims>(token)
  }

  /** The full check, for a token already known not to be cached (size checked by `cachedToken`). */
  async function verifyUncached<TClaims extends object>(token: string): Promise<AuthContext<TClaims>> {
    if (!isCanonicalCompactJws(token)) {
      throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'token is not a compact JWS in canonical base64url' })
    }
    const generation = cache?.generation ?? 0
    const checked = await check(token)
    cache?.set(token, checked, checked.validFrom, checked.validUntil, generation)
    return checked.context as AuthContext<TClaims>
  }

  const checker = { cached: cachedToken, verify: verifyUncached }
  const authenticateMaybeSync = <TClaims extends object>(request: RequestLike, requirement?: RouteRequirement) =>
    authenticateRequest<TClaims>(request, requirement ?? DEFAULT_REQUIREMENT, settings, checker as TokenChecker<TClaims>)

  return {
    async verify<TClaims extends object>(token: string, requirements?: VerifyRequirements) {
      // Compiled before verifying: a misspelt key or a string for a list is a TypeError, not a pass.
      const requirement = requirements === undefined ? undefined : compileRequirement(requirements)
      const context = await verifyToken<TClaims>(token)
      if (requirement !== undefined) authorize(context, requirement, settings)
      return context
    },
    async authenticate<TClaims extends object>(request: RequestLike, requirement?: RouteRequirement) {
      return authenticateMaybeSync<TClaims>(request, requirement)
    },
    authenticateMaybeSync,
    authorize: (context, requirement) => authorize(context, requirement, settings),
    requirement: compileRequirement,
    ready: () => keySource.ready(),
    keySource,
    settings,
  }
}

const DEFAULT_REQUIREMENT = compileRequirement()

function assertPlausibleToken(token: unknown, settings: VerifierSettings): asserts token is string {
  if (typeof token !== 'string' || token === '') {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'token is empty or not a string' })
  }
  if (token.length > settings.maxTokenLength) {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_too_large', detail: `token of ${token.length} characters exceeds ${settings.maxTokenLength}` })
  }
}

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
