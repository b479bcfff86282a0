/**
 * The verifier: the public face of token checking. It owns the verified-token cache for one issuer or
 * several, and puts size limit → cache → the issuer check (`issuer-check.ts`, or `issuer-selection.ts`
 * for several issuers) together; `decide()` runs the request pipeline (`pipeline.ts`) over it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3
 */
import type { AuthContext } from './auth-context.js'
import { settleProofServices } from './binding-options.js'
import { confirmBinding, type VerifiedToken } from './binding.js'
import type { CheckRun } from './check-trace.js'
import { accepted, type Decision } from './decision.js'
import { deepFreeze } from './deep-freeze.js'
import { isEcdsa } from './ecdsa-canonical.js'
import { InvalidTokenError } from './errors.js'
import { assertClaimChecks } from './claims.js'
import { assertNotRevoked } from './revocation.js'
import { createIssuerCheck, type CheckedToken } from './issuer-check.js'
import { createIssuerSelection, type MultiIssuerOptions } from './issuer-selection.js'
import type { KeySource } from './key-source.js'
import type { VerifierOptions, VerifierSettings } from './options.js'
import { allowHeldDecisions } from './observability/held-decision.js'
import { settleObservability } from './observability/observability-options.js'
import { decide, verifyToken, type CachedToken, type TokenVerification } from './pipeline.js'
import type { RequestView } from './request.js'
import { settleRequestUrl } from './request-url.js'
import { ANY_VALID_TOKEN, authorize, compileRequirement, isRouteRequirement, type RouteRequirement, type RouteRequirementInit } from './requirement.js'
import { tokenCacheFrom, type EntryOrigin, type TokenCache } from './token-cache.js'

/** A configured verifier. Create one at startup and reuse it. */
export interface Verifier {
  /**
   * Verifies `token` and checks `requirement` (a compiled one, or `{ scopes, anyScopes, claims }`).
   *
   * @throws {InvalidTokenError} 401 for any token that is not valid for this API.
   * @throws {InsufficientScopeError} 403 when a required scope is missing.
   * @throws {KeysUnavailableError} 503 when the issuer's keys cannot be had.
   */
  verify<TClaims extends object = Record<string, unknown>>(token: string, requirement?: RouteRequirement | RouteRequirementInit): Promise<AuthContext<TClaims>>
  /**
   * The request entry point: extracts the token from `request` (RFC 6750 §2), verifies it and applies a
   * requirement compiled by {@link Verifier.requirement} (default: any valid token). Answers with a
   * `Decision` — synchronously when no I/O or crypto is needed (a cached token, no token, a malformed
   * request), else a promise. Refusals are decisions, never exceptions.
   */
  decide<TClaims extends object = Record<string, unknown>>(request: RequestView, requirement?: RouteRequirement): Decision<TClaims> | Promise<Decision<TClaims>>
  /** Compiles a route requirement once (a `TypeError` names a mistake), for `decide()` and guards. */
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
  const cache = tokenCacheFrom<CachedCheck>(options.tokenCache)
  // Only what the removed keys verified: one issuer's rotation leaves the other issuers' entries alone.
  const dropCached = (removedIdentities: string[]) => cache?.dropVerifiedBy(removedIdentities)
  const observability = settleObservability(options, trustedIssuers(options), cache)
  const { settings, keySource, check } =
    'issuers' in options && options.issuers !== undefined
      ? createIssuerSelection(options as MultiIssuerOptions, dropCached, observability.keys)
      : createIssuerCheck(options as VerifierOptions, dropCached, observability.keys)
  const requestUrl = settleRequestUrl(options)
  // Frozen: jose reads the same algorithm and audience lists, so a caller must not be able to widen them.
  const frozen = deepFreeze(Object.assign(settings, { requestUrl }))
  const tokens = cachedVerification(frozen, cache, check)
  const observer = observability.decisions
  // Outside the frozen settings: a shared store holds a live client (a Redis connection) that must stay mutable.
  const pipeline = { challenge: frozen.challenge, extract: frozen.extract, requestUrl, services: settleProofServices(options) }

  /** The explained run only (`explainToken`): traced, its own clock, no cache. */
  async function explained(token: string, requirement: RouteRequirement | RouteRequirementInit | undefined, run: CheckRun): Promise<AuthContext<object>> {
    const compiled = requirement === undefined ? undefined : isRouteRequirement(requirement) ? requirement : compileRequirement(requirement)
    const verified = await tokens.verify(token, undefined, run)
    const { context } = verified
    // As verify(): without a request, a bound token proves nothing and is refused.
    await confirmBinding(verified, undefined, 'bearer', pipeline)
    run.trace?.passed('cnf')
    if (compiled !== undefined) await authorize(context, compiled, frozen.challenge, run.trace)
    return context
  }

  const verifier: Verifier = {
    async verify<TClaims extends object>(token: string, requirement?: RouteRequirement | RouteRequirementInit) {
      // Compiled before verifying: a misspelt key or a string for a list is a TypeError, not a pass.
      const compiled = requirement === undefined ? undefined : isRouteRequirement(requirement) ? requirement : compileRequirement(requirement)
      return (await verifyToken(token, compiled, pipeline, tokens, observer)) as AuthContext<TClaims>
    },
    decide: <TClaims extends object>(request: RequestView, requirement: RouteRequirement = ANY_VALID_TOKEN) => decide<TClaims>(request, requirement, pipeline, tokens, observer),
    requirement: compileRequirement,
    ready: () => keySource.ready(),
    keySource,
    settings: frozen,
  }
  explainable.set(verifier, explained)
  allowHeldDecisions(verifier, observer, (view, requirement, watching) => decide(view, requirement, pipeline, tokens, watching))
  return verifier
}

/** `verify()` itself, with a run that traces its steps and sets its clock (and so skips the cache). */
export type ExplainedVerify = (token: string, requirement: RouteRequirement | RouteRequirementInit | undefined, run: CheckRun) => Promise<AuthContext<object>>

// Keyed by the verifier object: an explained run reaches verify()'s own code without a public parameter.
const explainable = new WeakMap<Verifier, ExplainedVerify>()

/** The explained form of `verifier.verify`, for `explainToken`; `undefined` for an object not made by `createVerifier`. */
export function explainedVerify(verifier: Verifier): ExplainedVerify | undefined {
  return explainable.get(verifier)
}

/** The pipeline's view of the verifier's token check, which an explained run also takes. */
interface ExplainableVerification extends TokenVerification {
  verify(token: string, request?: RequestView, run?: CheckRun): Promise<VerifiedToken>
}

// Issuers whose name may label a refusal in metrics before any token of theirs was verified.
function trustedIssuers(options: VerifierOptions | MultiIssuerOptions): string[] {
  if ('issuers' in options && Array.isArray(options.issuers)) return options.issuers.map((entry) => entry.issuer).filter((issuer) => typeof issuer === 'string')
  return typeof (options as VerifierOptions).issuer === 'string' ? [(options as VerifierOptions).issuer] : []
}

/** What the cache keeps of a check: the check, and the decision that accepts its token (built once). */
type CachedCheck = CheckedToken & CachedToken

function cachedCheck(checked: CheckedToken): CachedCheck {
  return { ...checked, accepted: accepted(checked.context) }
}

/** Size limit → cache → full check, the same for one issuer or several. */
function cachedVerification(
  settings: VerifierSettings,
  cache: TokenCache<CachedCheck> | undefined,
  check: (token: string, run?: CheckRun, request?: RequestView) => Promise<CheckedToken>,
): ExplainableVerification {
  return {
    cached(token) {
      assertPlausibleToken(token, settings)
      const cached = cache?.get(token, epochSeconds())
      if (cached === undefined) return undefined
      // The cache compared the whole token: only an ES* token's hit can be its twin (comparing again costs ~0.1 µs).
      const hit = !isEcdsa(cached.context.header.alg) || cached.context.token === token ? cached : ecdsaTwinOf(cached, token)
      hit.keySource.maintain() // a hit skips key lookup: keep the key set's lifecycle going all the same
      const pending = checkedAgainOnHit(hit, settings)
      return pending === undefined ? hit : answeredLater(pending, hit)
    },
    async verify(token, request, run) {
      if (run !== undefined) assertPlausibleToken(token, settings) // `cached` checks the size on the usual path
      // The check decides the token's format: a JWT in canonical form, or an opaque token to introspect.
      const generation = cache?.generation ?? 0
      const checked = await check(token, run, request)
      await assertNotRevoked(checked.context.claims, checked.isRevoked, settings.challenge)
      run?.trace?.passed('revocation')
      // An explained run's clock need not be the wall clock: what it found is not the cache's to keep.
      if (run === undefined) cache?.set(token, () => cachedCheck(checked), checked.validFrom, checked.validUntil, generation, entryOrigin(checked))
      return checked
    },
  }
}

// Its own function: a closure made in `cached` would cost every hit a context object for `hit`.
function answeredLater(pending: Promise<void>, hit: CachedCheck): Promise<CachedCheck> {
  return pending.then(() => hit)
}

/** What a hit is checked against again (either may have changed its mind): claims, then revocation; sync while both answer so. */
function checkedAgainOnHit(hit: CheckedToken, settings: VerifierSettings): void | Promise<void> {
  const claims = hit.context.claims
  const claimsChecked = assertClaimChecks(claims, hit.claimChecks, settings.challenge)
  if (claimsChecked === undefined) return assertNotRevoked(claims, hit.isRevoked, settings.challenge)
  return claimsChecked.then(() => assertNotRevoked(claims, hit.isRevoked, settings.challenge))
}

// An ES* token's twin (s → n − s, `ecdsa-canonical.ts`) is a hit on the same entry, answered with the
// token as presented: the handler sees it, and a DPoP proof's `ath` hashes it. Built once per entry.
const ecdsaTwins = new WeakMap<CachedCheck, CachedCheck>()

function ecdsaTwinOf(cached: CachedCheck, token: string): CachedCheck {
  let twin = ecdsaTwins.get(cached)
  if (twin === undefined || twin.context.token !== token) {
    twin = cachedCheck({ ...cached, context: deepFreeze({ ...cached.context, token }) })
    ecdsaTwins.set(cached, twin)
  }
  return twin
}

/** What the cache needs to know of an entry: the key that verified it, its `alg` (ECDSA twins), what it keeps alive. */
function entryOrigin(checked: CheckedToken): EntryOrigin {
  return { keyIdentity: checked.keyIdentity, alg: checked.context.header.alg, contents: checked.context }
}

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
