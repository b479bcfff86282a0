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

// Beside the request in a WeakMap, not on it under a symbol: on Node 20 and 22 every Express request has a map
// of its own (see core's socket-request-view.ts), so a property added to it builds a new map on every request
// (2.3–3.7 µs per request in CPU profiles of real requests, against 1.1–1.4 µs for the WeakMap).
const states = new WeakMap<Request, RequestState>()

/** Remembers the middleware's state for the request. */
export function rememberState(req: Request, state: RequestState): void {
  states.set(req, state)
}

/** The state set by `authenticate()`, or `undefined` when it did not run on this request. */
export function stateOf(req: Request): RequestState | undefined {
  return states.get(req)
}
