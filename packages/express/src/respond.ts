/**
 * How a decision leaves the Express middleware and the guards. Refusals are answered here by default (status,
 * challenge headers, a JSON body, one log line), so that Express' final handler never prints them; with
 * `errorHandling: 'next'` they go to the application's error handlers instead, challenge headers already set
 * (and the application's handler does the logging).
 */
import type { ChallengeContext } from '@tokenguard/core'
import { isTokenGuardError, type RefusalReporter } from '@tokenguard/core/adapter'
import type { NextFunction, Request, Response } from 'express'

/** What `authenticate()` leaves beside the request for the guards that run after it. */
export interface RequestState {
  readonly challenge: ChallengeContext
  readonly errorHandling: 'respond' | 'next'
  readonly report: RefusalReporter<Request>
}

/** Hands a refusal to the client (or to Express' error handlers); anything else is a bug and goes to `next`. */
export function refuse(error: unknown, req: Request, res: Response, next: NextFunction, state: RequestState): void {
  if (!isTokenGuardError(error)) return next(error)
  if (!res.headersSent) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
  state.report(error, req, `${req.method} ${routeOf(req)}`)
  if (state.errorHandling === 'next') return next(error)
  if (!res.headersSent) res.status(error.status).json(error.body)
}

/** The route's template when Express matched one (never the raw path, which may carry identifiers). */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path
  return typeof path === 'string' ? `${req.baseUrl}${path}` : '(no route)'
}

// On the request under a symbol, not in a WeakMap beside it: a WeakMap takes a new key per request, which
// costs an insert into its table and the collector's work on it (bench:express, +0.5 µs per request over
// the property, which is one more field of an object Express is writing to anyway).
const kState = Symbol('tokenguard.state')
type WithState = Request & { [kState]?: RequestState }

/** Remembers the middleware's state for the request. */
export function rememberState(req: Request, state: RequestState): void {
  ;(req as WithState)[kState] = state
}

/** The state set by `authenticate()`, or `undefined` when it did not run on this request. */
export function stateOf(req: Request): RequestState | undefined {
  return (req as WithState)[kState]
}
