/**
 * Per-route guards that run after `authenticate()`. Each compiles its requirement when the route is
 * declared (bad scope names, an empty list, throw at startup) and does only set lookups per request.
 */
import type { ClaimCheck } from '@tokenguard/core'
import { AuthenticationMissingError, authorizeThen, compileRequirement, guardRefusal, MissingTokenError, refusalReporter, type RouteRequirement } from '@tokenguard/core/adapter'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { refuse, routeOf, stateOf, type RequestState } from './respond.js'

/** Requires every one of `scopes` (403 `insufficient_scope` naming them otherwise). */
export function requireScopes(...scopes: string[]): RequestHandler {
  return guard(compileRequirement({ scopes }), 'tokenguardRequireScopes')
}

/** Requires at least one of `scopes`. */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return guard(compileRequirement({ anyScopes: scopes }), 'tokenguardRequireAnyScope')
}

/**
 * Requires claim `name` to equal `check` (for array claims: to contain it), or `check(value, claims)` to
 * return `true` (or a promise of `true`; a rejection is 503 `claim_check_unavailable`). For a word of a
 * space-delimited string claim, `requireClaim('scope', includes('admin'))`. Refusals are 401
 * `invalid_token` with reason `claim_requirement_failed`.
 */
export function requireClaim(name: string, check: ClaimCheck): RequestHandler {
  return guard(compileRequirement({ claims: { [name]: check } }), 'tokenguardRequireClaim')
}

// A guard on a route where authenticate() never ran has no state: it answers (and logs) with these.
const WITHOUT_AUTHENTICATE: RequestState = Object.freeze({ challenge: {}, errorHandling: 'respond', report: refusalReporter<Request>({}, console) })

/** Guards reuse the challenge context, error handling and log of the `authenticate()` that ran before them. */
function guard(requirement: RouteRequirement, name: string): RequestHandler {
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    const state = stateOf(req)
    if (state === undefined) return refuse(notAuthenticated(req, name), req, res, next, WITHOUT_AUTHENTICATE)
    // A refusal here is what the request's decision is reported as (guardRefusal), not a second one.
    if (req.auth == null) return refuse(guardRefusal(req, new MissingTokenError({ ...state.challenge, reason: 'missing_token' }), requirement), req, res, next, state)
    authorizeThen(req.auth, requirement, state.challenge, (error) => (error === undefined ? next() : refuse(guardRefusal(req, error, requirement), req, res, next, state)))
  }
  Object.defineProperty(handler, 'name', { value: name })
  return handler
}

function notAuthenticated(req: Request, name: string): AuthenticationMissingError {
  const detail = `${name} ran on ${req.method} ${routeOf(req)} without authenticate() before it: add authenticate() in front of the guard (app.use(auth) or as the route's first handler)`
  return new AuthenticationMissingError({ reason: 'authentication_missing', detail })
}
