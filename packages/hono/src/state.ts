/**
 * What `tokenguard()` leaves beside a request's context for the guards after it, and how both answer a
 * refusal. Beside the context rather than in its variables: `c.get('auth')` is the application's, this is ours.
 */
import type { ChallengeContext } from '@tokenguard/core'
import { refusalResponse, type RefusalReporter, type TokenGuardError } from '@tokenguard/core/adapter'
import type { Context } from 'hono'

export interface RequestState {
  readonly challenge: ChallengeContext
  readonly report: RefusalReporter<Context>
}

const states = new WeakMap<Context, RequestState>()

export function rememberState(c: Context, state: RequestState): void {
  states.set(c, state)
}

/** The state of the last `tokenguard()` that ran on this request, or `undefined` when none did. */
export function stateOf(c: Context): RequestState | undefined {
  return states.get(c)
}

/** Reports the refusal and answers it. */
export function refuse(c: Context, error: TokenGuardError, report: RefusalReporter<Context>): Response {
  report(error, c, `${c.req.method} ${c.req.routePath}`)
  return refusalResponse(error)
}
