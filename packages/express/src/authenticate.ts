/**
 * `authenticate()`: the Express middleware. It validates its options once; per request it builds the
 * request view, asks core for a decision, and translates it: `req.auth` and `next()`, or a refusal.
 */
import { createVerifier, type RouteRequirementInit, type Verifier } from '@tokenguard/core'
import { advertiseResourceMetadata, authorizeThen, decideHeld, guardRefusal, MissingTokenError, refusalReporter, type Decision, type RouteRequirement } from '@tokenguard/core/adapter'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { protectedResourceMetadata, type ProtectedResourceMetadataHandler } from './metadata.js'
import { refuse, rememberState, type RequestState } from './respond.js'
import { viewOf } from './request-view.js'
import type { AuthClaims, AuthenticateOptions } from './types.js'
import { assertAdapterOptions } from './validate.js'

/** The middleware, with its verifier exposed (e.g. `await mw.verifier.ready()` before `listen`). */
export interface AuthenticateMiddleware extends RequestHandler {
  readonly verifier: Verifier
  /** The RFC 9728 metadata handler, when the `protectedResourceMetadata` option is given: mount it at the root. */
  readonly resourceMetadata: ProtectedResourceMetadataHandler | undefined
  /**
   * One middleware for a route that authenticates and applies `requirement` (`{ scopes, anyScopes, claims }`):
   * the same decisions as this middleware followed by `requireScopes()` / `requireAnyScope()` /
   * `requireClaim()` guards, with one Express layer instead of two (the route's requirement is compiled here,
   * once; a mistake is a `TypeError` at startup). Use it instead of `app.use(auth)` on the route, not after it;
   * guards after it still work.
   *
   * @example
   * ```ts
   * const auth = authenticate({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' })
   * app.get('/data', auth.protect({ scopes: ['read:data'] }), (req, res) => res.json({ client: req.auth?.claims.client_id }))
   * ```
   */
  protect(requirement: Omit<RouteRequirementInit, 'optional'>): RequestHandler
}

/**
 * Requires a valid access token (RFC 6750 bearer) and sets `req.auth` (`null` on an optional route without a
 * token). Refusals are answered with their status, challenge and a JSON body `{ error, error_description }`,
 * and logged in one line (or given to `onError`); with `errorHandling: 'next'` they go to `next(err)`.
 *
 * @example
 * ```ts
 * const auth = authenticate({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' })
 * app.use(auth)
 * app.get('/data', requireScopes('read:data'), (req, res) => res.json({ client: req.auth?.claims.client_id }))
 * await auth.verifier.ready()
 * app.listen(3000)
 * ```
 */
export function authenticate(options: AuthenticateOptions): AuthenticateMiddleware {
  assertAdapterOptions(options)
  const { scopes, anyScopes, optional, claims, onError, errorHandling = 'respond', logger, logLevels, protectedResourceMetadata: metadata, ...verifierOptions } = options
  const verifier = 'verifier' in verifierOptions ? verifierOptions.verifier : createVerifier(advertiseResourceMetadata(verifierOptions, metadata))
  const requirement = verifier.requirement({ scopes, anyScopes, optional, claims })
  // In 'next' mode the application's error handler logs; tokenguard's own line would be a second one.
  const report = refusalReporter<Request>({ onError, logger: errorHandling === 'next' ? false : logger, logLevels }, console)
  const state: RequestState = Object.freeze({ challenge: verifier.settings.challenge, errorHandling, report })
  const resourceMetadata = metadata === undefined ? undefined : protectedResourceMetadata({ ...metadata, verifier })
  const middleware = deciding(verifier, requirement, state, 'tokenguardAuthenticate')

  // Without a requirement of its own, authenticate() then a guard decides exactly as core does with the guard's
  // requirement (a missing token on an optional route included: the guard refuses it as missing_token too).
  const ownRequirement = scopes !== undefined || anyScopes !== undefined || claims !== undefined
  function protect(route: Omit<RouteRequirementInit, 'optional'>): RequestHandler {
    if (typeof route !== 'object' || route === null || 'optional' in route) {
      throw new TypeError('tokenguard: auth.protect() takes { scopes, anyScopes, claims }; "optional" belongs in the authenticate() options')
    }
    if (!ownRequirement) return deciding(verifier, verifier.requirement(route), state, 'tokenguardProtect')
    return deciding(verifier, requirement, state, 'tokenguardProtect', verifier.requirement(route))
  }
  return Object.assign(middleware, { verifier, resourceMetadata, protect })
}

/** The middleware proper: a decision on `requirement`, then (for a route's own on top of it) `then`. */
function deciding(verifier: Verifier, requirement: RouteRequirement, state: RequestState, name: string, then?: RouteRequirement): RequestHandler {
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    rememberState(req, state)
    // Reported when the response closes, unless a guard (or `then`) refuses first (then as that refusal).
    const decision = decideHeld<AuthClaims>(verifier, viewOf(req), requirement, req, res)
    if (!(decision instanceof Promise)) return settle(decision, req, res, next, state, then)
    decision.then((settled) => settle(settled, req, res, next, state, then), next)
  }
  Object.defineProperty(handler, 'name', { value: name })
  return handler
}

function settle(decision: Decision<AuthClaims>, req: Request, res: Response, next: NextFunction, state: RequestState, then: RouteRequirement | undefined): void {
  if (decision.outcome === 'refused') return refuse(decision.error, req, res, next, state)
  if (decision.outcome === 'accepted' && decision.headers !== undefined) for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value)
  req.auth = decision.auth
  if (then === undefined) return next()
  if (decision.auth === null) return refuse(guardRefusal(req, new MissingTokenError({ ...state.challenge, reason: 'missing_token' }), then), req, res, next, state)
  authorizeThen(decision.auth, then, state.challenge, (error) => (error === undefined ? next() : refuse(guardRefusal(req, error, then), req, res, next, state)))
}
