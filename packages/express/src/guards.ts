/**
 * Per-route guards that run after `authenticate()`. Each compiles its requirement when the route is
 * declared (bad scope names throw at startup) and does only set lookups per request.
 */
import { authorize, compileRequirement, MissingTokenError, type ClaimCheck, type RouteRequirement } from '@tokenguard/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { refuse, stateOf } from './respond.js'

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
 * return `true`. Refusals are 401 `invalid_token` with reason `claim_requirement_failed`.
 */
export function requireClaim(name: string, check: ClaimCheck): RequestHandler {
  return guard(compileRequirement({ claims: { [name]: check } }), 'tokenguardRequireClaim')
}

/** Guards reuse the challenge context and `onError` hook that `authenticate()` left on the request. */
function guard(requirement: RouteRequirement, name: string): RequestHandler {
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    const state = stateOf(req)
    try {
      const auth = req.auth
      if (auth === undefined) throw new MissingTokenError({ ...state.challenge, reason: 'missing_token' })
      authorize(auth, requirement, state)
    } catch (error) {
      refuse(error, req, res, next, state)
      return
    }
    next()
  }
  Object.defineProperty(handler, 'name', { value: name })
  return handler
}
