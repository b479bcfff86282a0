/**
 * `authenticate()`: the Express middleware. It validates its options once, then per request only calls
 * core (extract → verify → authorize) and maps the outcome.
 */
import { createVerifier, type AuthContext, type Verifier } from '@tokenguard/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { refuse, rememberState, type RequestState } from './respond.js'
import type { AuthClaims, AuthenticateOptions } from './types.js'

/** The middleware, with its verifier exposed (e.g. `await mw.verifier.ready()` before `listen`). */
export interface AuthenticateMiddleware extends RequestHandler {
  readonly verifier: Verifier
}

function accept(req: Request, next: NextFunction, auth: AuthContext<AuthClaims> | undefined): void {
  req.auth = auth
  next()
}

/**
 * Requires a valid access token (RFC 6750 bearer) and sets `req.auth`.
 *
 * Refusals go to `next(err)` with `err.status` and `err.headers` (`WWW-Authenticate`, `Retry-After`): Express'
 * final handler answers 400/401/403/503 with the challenge; a custom error handler can take over.
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
  const { scopes, anyScopes, optional, claims, onError, ...verifierOptions } = options
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('tokenguard: "onError" must be a function')
  const verifier = 'verifier' in verifierOptions ? verifierOptions.verifier : createVerifier(verifierOptions)
  const requirement = verifier.requirement({ scopes, anyScopes, optional, claims })
  const state: RequestState = Object.freeze({ challenge: verifier.settings.challenge, onError })

  const middleware = function tokenguardAuthenticate(req: Request, res: Response, next: NextFunction): void {
    rememberState(req, state)
    let outcome: AuthContext<AuthClaims> | undefined | Promise<AuthContext<AuthClaims> | undefined>
    try {
      outcome = verifier.authenticateMaybeSync<AuthClaims>(req, requirement)
    } catch (error) {
      refuse(error, req, res, next, state)
      return
    }
    if (!(outcome instanceof Promise)) return accept(req, next, outcome)
    outcome.then(
      (auth) => accept(req, next, auth),
      (error: unknown) => refuse(error, req, res, next, state),
    )
  }
  return Object.assign(middleware, { verifier })
}
