/**
 * What `tokenguard()` leaves on a request's context for the guards after it, and how both answer a refusal.
 * Under a symbol of ours rather than in the context's variables: `c.get('auth')` is the application's, this
 * is ours. Not in a WeakMap beside the context: a new key per request costs an insert and the collector's work.
 */
import type { ChallengeContext } from '@tokenguard/core'
import { refusalResponse, type RefusalReporter, type TokenGuardError } from '@tokenguard/core/adapter'
import type { Context } from 'hono'

export interface RequestState {
  readonly challenge: ChallengeContext
  readonly report: RefusalReporter<Context>
}

const kState = Symbol('tokenguard.state')
type WithState = Context & { [kState]?: RequestState }

export function rememberState(c: Context, state: RequestState): void {
  ;(c as WithState)[kState] = state
}

/** The state of the last `tokenguard()` that ran on this request, or `undefined` when none did. */
export function stateOf(c: Context): RequestState | undefined {
  return (c as WithState)[kState]
}

/** Reports the refusal and answers it. */
export function refuse(c: Context, error: TokenGuardError, report: RefusalReporter<Context>): Response {
  report(error, c, `${c.req.method} ${c.req.routePath}`)
  return refusalResponse(error)
}
