/**
 * How a refusal leaves the Express middleware: its headers go on the response at once (so that a custom
 * error handler that only sets the status still sends the challenge), then the error goes to `next`, as
 * Express expects. With no custom handler, Express' final handler answers with `status` and `headers`.
 */
import { refusalFor, type ChallengeContext, type TokenGuardError } from '@tokenguard/core'
import type { NextFunction, Request, Response } from 'express'

/** Hands a refusal to Express. */
export function refuse(error: unknown, req: Request, res: Response, next: NextFunction, { challenge, onError }: RequestState): void {
  const refusal = refusalFor(error, challenge)
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

const kState = Symbol.for('tokenguard.express.state')
const NO_STATE: RequestState = Object.freeze({ challenge: {}, onError: undefined })

/** Remembers the middleware's challenge context and error hook on the request. */
export function rememberState(req: Request, state: RequestState): void {
  ;(req as unknown as Record<symbol, RequestState>)[kState] = state
}

/** The state set by `authenticate()`, or an empty one when it did not run. */
export function stateOf(req: Request): RequestState {
  return (req as unknown as Record<symbol, RequestState | undefined>)[kState] ?? NO_STATE
}
