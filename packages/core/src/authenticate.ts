/**
 * The request layer shared by every adapter: extract the token (RFC 6750 §2), verify it, apply the
 * route's requirement. Adapters only translate their request into a {@link RequestLike} and the outcome
 * into a response.
 */
import { compileClaimChecks, firstFailedClaim, type ClaimCheck } from './claims.js'
import { InvalidTokenError, MissingTokenError } from './errors.js'
import { assertTokenSyntax, extractCandidate, type RequestLike } from './extract.js'
import type { VerifierSettings } from './options.js'
import { assertScopes, scopeRequirement, type ScopeRequirement } from './scopes.js'
import type { AuthContext } from './verify.js'

/** What a route asks of a request, as written in configuration. */
export interface RouteRequirementInit {
  /** Every one of these scopes is needed (403 `insufficient_scope` otherwise). */
  scopes?: readonly string[] | undefined
  /** At least one of these scopes is needed. */
  anyScopes?: readonly string[] | undefined
  /** A request without any token passes as anonymous; a request with a bad token is still refused. */
  optional?: boolean | undefined
  /** Claims that must hold (401 `invalid_token`, reason `claim_requirement_failed`, otherwise). */
  claims?: Readonly<Record<string, ClaimCheck>> | undefined
}

/** A compiled route requirement: validated once, reused for every request. */
export interface RouteRequirement {
  readonly scopes: ScopeRequirement
  readonly optional: boolean
  readonly claims: ReadonlyArray<readonly [name: string, check: ClaimCheck]>
}

const REQUIREMENT_KEYS = new Set(['scopes', 'anyScopes', 'optional', 'claims'])

/** Validates a route requirement once, at route registration. */
export function compileRequirement(init: RouteRequirementInit = {}): RouteRequirement {
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw new TypeError('tokenguard: a route requirement must be an object')
  // A misspelt key ("scope" for "scopes") would silently protect a route with less than intended.
  const unknown = Object.keys(init).filter((key) => !REQUIREMENT_KEYS.has(key))
  if (unknown.length > 0) throw new TypeError(`tokenguard: unknown route requirement key(s): ${unknown.join(', ')} (expected ${[...REQUIREMENT_KEYS].join(', ')})`)
  // An explicitly empty any-of list would silently let every token through.
  if (Array.isArray(init.anyScopes) && init.anyScopes.length === 0) throw new TypeError('tokenguard: requireAnyScope needs at least one scope ("anyScopes" is empty)')
  const claims = compileClaimChecks(init.claims)
  return Object.freeze({
    scopes: scopeRequirement(asList(init.scopes, 'scopes'), asList(init.anyScopes, 'anyScopes')),
    optional: init.optional === true,
    claims,
  })
}

/** How the request layer reaches the token check. */
export interface TokenChecker<TClaims extends object> {
  /** The verified result if the token is in the verified-token cache (it checks the token's size first). */
  cached(token: string): AuthContext<TClaims> | undefined
  /** The full check (signature, claims) of a token `cached` did not know. */
  verify(token: string): Promise<AuthContext<TClaims>>
}

/**
 * Extracts, verifies and authorizes. Answers synchronously whenever no I/O or crypto is needed — a
 * cached token, a request without a token, a malformed one — and with a Promise otherwise, so that
 * adapters pay for no promise on the hot path. `undefined` means an optional route without a token.
 * Synchronous refusals are thrown; asynchronous ones reject.
 */
export function authenticateRequest<TClaims extends object>(
  request: RequestLike,
  requirement: RouteRequirement,
  settings: Pick<VerifierSettings, 'challenge' | 'extract'>,
  checker: TokenChecker<TClaims>,
): AuthContext<TClaims> | undefined | Promise<AuthContext<TClaims> | undefined> {
  const token = extractCandidate(request, settings.extract)
  if (token === undefined) {
    if (requirement.optional) return undefined
    throw new MissingTokenError({ ...settings.challenge, reason: 'missing_token' })
  }
  const cached = checker.cached(token)
  if (cached !== undefined) {
    authorize(cached, requirement, settings)
    return cached
  }
  assertTokenSyntax(token, settings.extract)
  return checker.verify(token).then((context) => {
    authorize(context, requirement, settings)
    return context
  })
}

/** Applies a requirement's scope and claim checks to an already verified token. */
export function authorize(context: AuthContext<object>, requirement: RouteRequirement, settings: Pick<VerifierSettings, 'challenge'>): void {
  assertScopes(context.scopes, requirement.scopes, settings.challenge)
  const failed = firstFailedClaim(context.claims as Record<string, unknown>, requirement.claims)
  if (failed !== undefined) {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'claim_requirement_failed', detail: `claim "${failed}" does not satisfy the route's requirement` })
  }
}

function asList(value: readonly string[] | undefined, name: string): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new TypeError(`tokenguard: "${name}" must be an array of scope names`)
  return value
}
