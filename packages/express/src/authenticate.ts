/**
 * `authenticate()`: the Express middleware. It validates its options once; per request it builds the
 * request view, asks core for a decision, and translates it: `req.auth` and `next()`, or a refusal.
 */
import { createVerifier, type Verifier } from '@tokenguard/core'
import { advertiseResourceMetadata, decideHeld, refusalReporter, type Decision } from '@tokenguard/core/adapter'
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

  const middleware = function tokenguardAuthenticate(req: Request, res: Response, next: NextFunction): void {
    rememberState(req, state)
    // Reported when the response closes, unless a guard refuses first (then as that refusal).
    const decision = decideHeld<AuthClaims>(verifier, viewOf(req), requirement, req, res)
    if (!(decision instanceof Promise)) return settle(decision, req, res, next, state)
    decision.then((settled) => settle(settled, req, res, next, state), next)
  }
  return Object.assign(middleware, { verifier, resourceMetadata })
}

function settle(decision: Decision<AuthClaims>, req: Request, res: Response, next: NextFunction, state: RequestState): void {
  if (decision.outcome === 'refused') return refuse(decision.error, req, res, next, state)
  if (decision.outcome === 'accepted' && decision.headers !== undefined) for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value)
  req.auth = decision.auth
  next()
}
