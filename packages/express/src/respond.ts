/**
 * How a refusal leaves the Express middleware: its headers go on the response at once (so that a custom
 * error handler that only sets the status still sends the challenge), then the error goes to `next`, as
 * Express expects. With no custom handler, Express' final handler answers with `status` and `headers`.
 */
import { refusalFor, type ChallengeContext, type TokenGuardError } from '@tokenguard/core'
import type { NextFunction, Request, Response } from 'express'

/** Hands a refusal to Express. */
export function refuse(
  error: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
  context: ChallengeContext,
  onError: ((error: TokenGuardError, req: Request) => void) | undefined,
): void {
  const refusal = refusalFor(error, context)
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

const kChallenge = Symbol.for('tokenguard.challenge')

/** Remembers the verifier's challenge context on the request, for the guards that run later. */
export function rememberChallenge(req: Request, context: ChallengeContext): void {
  ;(req as unknown as Record<symbol, ChallengeContext>)[kChallenge] = context
}

/** The challenge context set by `authenticate()`, or none. */
export function challengeOf(req: Request): ChallengeContext {
  return (req as unknown as Record<symbol, ChallengeContext | undefined>)[kChallenge] ?? {}
}
