/**
 * Route requirements: what a route asks of a verified token (scopes, claims) and whether it may be reached
 * without one. Compiled once, at route registration, and applied per request by the pipeline or a guard.
 */
import type { AuthContext } from './auth-context.js'
import type { ChallengeContext } from './challenge.js'
import type { CheckTrace } from './check-trace.js'
import { compileClaimChecks, firstFailedClaim, type ClaimCheck } from './claims.js'
import { InvalidTokenError } from './errors.js'
import { assertScopes, scopeRequirement, type ScopeRequirement } from './scopes.js'

/** What a route asks of a request, as written in configuration. */
export interface RouteRequirementInit {
  /** Every one of these scopes is needed (403 `insufficient_scope` otherwise); an empty list is refused. Default is none. */
  scopes?: readonly string[] | undefined
  /** At least one of these scopes is needed; an empty list is refused. Default is none. */
  anyScopes?: readonly string[] | undefined
  /** A request without any token passes as anonymous (`auth` is `null`); a request with a bad token is still refused. Default is `false`. */
  optional?: boolean | undefined
  /** Claims that must hold (401 `invalid_token`, reason `claim_requirement_failed`, otherwise). Default is none. */
  claims?: Readonly<Record<string, ClaimCheck>> | undefined
}

/** A compiled route requirement: validated once, reused for every request. */
export interface RouteRequirement {
  readonly scopes: ScopeRequirement
  readonly optional: boolean
  readonly claims: ReadonlyArray<readonly [name: string, check: ClaimCheck]>
}

const REQUIREMENT_KEYS = new Set(['scopes', 'anyScopes', 'optional', 'claims'])
// Compiled requirements are known by identity: an object that merely looks like one was never validated.
const compiled = new WeakSet<RouteRequirement>()

/** Validates a route requirement once, at route registration (a `TypeError` names the mistake). */
export function compileRequirement(init: RouteRequirementInit = {}): RouteRequirement {
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw new TypeError('tokenguard: a route requirement must be an object')
  // A misspelt key ("scope" for "scopes") would silently protect a route with less than intended.
  const unknown = Object.keys(init).filter((key) => !REQUIREMENT_KEYS.has(key))
  if (unknown.length > 0) throw new TypeError(`tokenguard: unknown route requirement key(s): ${unknown.join(', ')} (expected ${[...REQUIREMENT_KEYS].join(', ')})`)
  // An explicitly empty list would silently let every valid token through: say what was meant instead.
  if (Array.isArray(init.anyScopes) && init.anyScopes.length === 0) throw new TypeError('tokenguard: requireAnyScope needs at least one scope ("anyScopes" is empty)')
  if (Array.isArray(init.scopes) && init.scopes.length === 0) {
    throw new TypeError('tokenguard: requireScopes needs at least one scope ("scopes" is empty; leave it out to accept any valid token)')
  }
  if (init.optional !== undefined && typeof init.optional !== 'boolean') throw new TypeError('tokenguard: "optional" must be a boolean')
  const claims = compileClaimChecks(init.claims)
  const requirement: RouteRequirement = Object.freeze({
    scopes: scopeRequirement(asList(init.scopes, 'scopes'), asList(init.anyScopes, 'anyScopes')),
    optional: init.optional === true,
    claims,
  })
  compiled.add(requirement)
  return requirement
}

/** Whether `value` came from {@link compileRequirement}. */
export function isRouteRequirement(value: unknown): value is RouteRequirement {
  return typeof value === 'object' && value !== null && compiled.has(value as RouteRequirement)
}

/** The requirement of a route that only needs a valid token. */
export const ANY_VALID_TOKEN: RouteRequirement = compileRequirement()

/**
 * Applies a requirement's scope and claim checks to a verified token: synchronously, unless one of its
 * claim predicates answers with a promise — then the result is a promise, rejecting the same way.
 *
 * @throws {InsufficientScopeError} 403 when a scope is missing.
 * @throws {InvalidTokenError} 401 `claim_requirement_failed` when a claim check fails.
 * @throws {ClaimCheckUnavailableError} 503 when an asynchronous claim check rejects.
 * @param trace Reports the steps that passed; only `explainToken` gives one.
 */
export function authorize(context: AuthContext<object>, requirement: RouteRequirement, challenge: ChallengeContext, trace?: CheckTrace): void | Promise<void> {
  assertScopes(context.scopes, requirement.scopes, challenge)
  trace?.passed('scopes')
  const failed = firstFailedClaim(context.claims as Record<string, unknown>, requirement.claims)
  if (failed instanceof Promise) return failed.then((name) => refuseFailedClaim(name, challenge, trace))
  refuseFailedClaim(failed, challenge, trace)
}

/**
 * {@link authorize} for callback-style adapters (Express, Fastify hooks): `settled` is called once, with
 * the refusal or with nothing — synchronously whenever every check is, so a cached token on a route with
 * synchronous checks costs no promise.
 */
export function authorizeThen(context: AuthContext<object>, requirement: RouteRequirement, challenge: ChallengeContext, settled: (error?: unknown) => void): void {
  let pending: void | Promise<void>
  try {
    pending = authorize(context, requirement, challenge)
  } catch (error) {
    return settled(error)
  }
  if (pending === undefined) return settled()
  pending.then(() => settled(), settled)
}

function refuseFailedClaim(failed: string | undefined, challenge: ChallengeContext, trace: CheckTrace | undefined): void {
  if (failed !== undefined) {
    throw new InvalidTokenError({ ...challenge, reason: 'claim_requirement_failed', detail: `claim "${failed}" does not satisfy the route's requirement` })
  }
  trace?.passed('route_claims')
}

function asList(value: readonly string[] | undefined, name: string): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new TypeError(`tokenguard: "${name}" must be an array of scope names`)
  return value
}

/**
 * A route's requirement from its configuration, as every adapter reads it: `false` makes it public, an object
 * is compiled, nothing means `fallback` — except for `OPTIONS`-only routes (CORS preflights never carry
 * credentials), which are public unless configured. `null` means public. `where` names the route in errors.
 */
export function routeRequirementFrom(
  config: unknown,
  route: { methods: readonly string[]; where: string },
  fallback: RouteRequirement | null,
): RouteRequirement | null {
  if (config === false) return null
  if (config === undefined) return route.methods.every((method) => method.toUpperCase() === 'OPTIONS') ? null : fallback
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TypeError(`tokenguard: config.auth of ${route.where} must be false or an object`)
  try {
    return compileRequirement(config)
  } catch (error) {
    throw new TypeError(`tokenguard: config.auth of ${route.where}: ${(error as Error).message}`)
  }
}

/**
 * A guard's claim name, checked when the guard is declared. A guard factory mounted uncalled (Hono passes
 * `(c, next)`) or a decorator without its parentheses (`@Claim` gets the class) lands here: without this the
 * check would be compiled under the name "[object Object]" and silently dropped or answered as a response.
 */
export function claimName(name: unknown, guard: string, example: string): string {
  if (typeof name === 'string' && name !== '') return name
  throw new TypeError(`tokenguard: ${guard} needs a claim name (a non-empty string) first, got ${typeof name} (used without its parentheses or mounted uncalled? write ${example})`)
}
