/**
 * Per-route guards that run after `tokenguard()`. Each compiles its requirement when the route is declared
 * (bad scope names, an empty list, throw at startup) and does only set lookups per request. A guard on a
 * route where no `tokenguard()` ran answers 500, naming the fix: never a pass.
 */
import type { ClaimCheck } from '@tokenguard/core'
import { AuthenticationMissingError, authorize, claimName, compileRequirement, guardRefusal, isTokenGuardError, MissingTokenError, refusalReporter, type RouteRequirement } from '@tokenguard/core/adapter'
import type { Context, MiddlewareHandler } from 'hono'
import { refuse, stateOf } from './state.js'
import type { TokenguardEnv } from './types.js'

/** Requires every one of `scopes` (403 `insufficient_scope` naming them otherwise). */
export function requireScopes(...scopes: string[]): MiddlewareHandler<TokenguardEnv> {
  return guard(compileRequirement({ scopes }), 'requireScopes')
}

/** Requires at least one of `scopes`. */
export function requireAnyScope(...scopes: string[]): MiddlewareHandler<TokenguardEnv> {
  return guard(compileRequirement({ anyScopes: scopes }), 'requireAnyScope')
}

/**
 * Requires claim `name` to equal `check` (for array claims: to contain it), or `check(value, claims)` to
 * return `true` (or a promise of `true`; a rejection is 503 `claim_check_unavailable`). For a word of a
 * space-delimited string claim, `requireClaim('scope', includes('admin'))`. Refusals are 401
 * `invalid_token` with reason `claim_requirement_failed`.
 */
export function requireClaim(name: string, check: ClaimCheck): MiddlewareHandler<TokenguardEnv> {
  return guard(compileRequirement({ claims: { [claimName(name, 'requireClaim()', "requireClaim('client_id', 'orders-worker')")]: check } }), 'requireClaim')
}

// A guard where tokenguard() never ran has no reporter of its own: it logs its 500 on the console.
const reportWithoutMiddleware = refusalReporter<Context>({}, console)

function guard(requirement: RouteRequirement, name: string): MiddlewareHandler<TokenguardEnv> {
  return async function tokenguardGuard(c, next) {
    const state = stateOf(c)
    if (state === undefined) return refuse(c, notAuthenticated(c, name), reportWithoutMiddleware)
    const auth = c.get('auth')
    try {
      if (auth == null) throw new MissingTokenError({ ...state.challenge, reason: 'missing_token' })
      const pending = authorize(auth, requirement, state.challenge) // a promise only when a claim predicate is async
      if (pending !== undefined) await pending
    } catch (error) {
      if (isTokenGuardError(error)) return refuse(c, guardRefusal(c, error, requirement), state.report) // reported as the request's decision
      throw error
    }
    await next()
    return undefined
  }
}

function notAuthenticated(c: Context, name: string): AuthenticationMissingError {
  const detail = `${name}() ran on ${c.req.method} ${c.req.routePath} without tokenguard() before it: add app.use('/path/*', tokenguard(options)) in front of the guard, or put tokenguard(options) first in the route's handlers`
  return new AuthenticationMissingError({ reason: 'authentication_missing', detail })
}
