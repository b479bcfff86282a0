/**
 * Per-route guards that run after `authenticate()`. Each compiles its requirement when the route is
 * declared (bad scope names throw at startup) and does only set lookups per request.
 */
import { authorize, compileRequirement, MissingTokenError, type ClaimCheck, type RouteRequirement, type TokenGuardError } from '@tokenguard/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { challengeOf, refuse } from './respond.js'

/** Options shared by the guards. */
export interface GuardOptions {
  /** Called with every refusal, for logging (see `authenticate`'s `onError`). */
  onError?: ((error: TokenGuardError, req: Request) => void) | undefined
}

/** Requires every one of `scopes` (403 `insufficient_scope` naming them otherwise). */
export function requireScopes(...scopes: string[]): RequestHandler {
  return guard(compileRequirement({ scopes }), 'tokenguardRequireScopes')
}

/** Requires at least one of `scopes`. */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  if (scopes.length === 0) throw new TypeError('tokenguard: requireAnyScope needs at least one scope')
  return guard(compileRequirement({ anyScopes: scopes }), 'tokenguardRequireAnyScope')
}

/**
 * Requires claim `name` to equal `check` (for array claims: to contain it), or `check(value, claims)` to
 * return `true`. Refusals are 401 `invalid_token` with reason `claim_requirement_failed`.
 */
export function requireClaim(name: string, check: ClaimCheck, options: GuardOptions = {}): RequestHandler {
  return guard(compileRequirement({ claims: { [name]: check } }), 'tokenguardRequireClaim', options)
}

function guard(requirement: RouteRequirement, name: string, options: GuardOptions = {}): RequestHandler {
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    const context = challengeOf(req)
    try {
      if (req.auth === undefined) throw new MissingTokenError({ ...context, reason: 'missing_token' })
      authorize(req.auth, requirement, { challenge: context })
    } catch (error) {
      refuse(error, req, res, next, context, options.onError)
      return
    }
    next()
  }
  Object.defineProperty(handler, 'name', { value: name })
  return handler
}
