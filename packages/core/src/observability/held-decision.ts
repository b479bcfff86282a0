/**
 * Decisions whose report waits for the adapter's answer. Where guards run after authentication (Express
 * `requireScopes()`, Fastify's decorator hooks, Hono guards, NestJS decorators), a request the pipeline
 * accepted may still be refused — 403 `insufficient_scope`, 401 `claim_requirement_failed`. Reporting the
 * acceptance at once would show the operator a 200 for that 403; reporting the refusal as well would count
 * the request twice. So an accepted (or anonymous) decision is held beside the request and reported once:
 * as the guard's refusal when one refuses, else as decided when the adapter answers. The pipeline's own
 * refusals are final and reported at once. Nothing is held when nothing listens.
 */
import type { AuthContext } from '../auth-context.js'
import { refused, type Decision } from '../decision.js'
import { isTokenGuardError } from '../errors.js'
import type { RequestView } from '../request.js'
import type { RouteRequirement } from '../requirement.js'
import type { DecisionObserver } from './observer.js'
import type { DecisionCheck } from './option-types.js'

/** The verifier's `decide()` with the observer it reports to (`createVerifier` registers it). */
export type ObservedDecide = (view: RequestView, requirement: RouteRequirement, observer: DecisionObserver) => Decision<object> | Promise<Decision<object>>

/** What `decideHeld` needs of a verifier: its public `decide()` (used as is for one not made by `createVerifier`). */
export interface Deciding {
  decide<TClaims extends object>(request: RequestView, requirement?: RouteRequirement): Decision<TClaims> | Promise<Decision<TClaims>>
}

/** A response that says when it is over (Node's `ServerResponse` emits `close` once, answered or aborted). */
export interface ClosingResponse {
  once(event: 'close', listener: () => void): unknown
}

interface Held {
  readonly observer: DecisionObserver
  readonly view: RequestView
  readonly requirement: RouteRequirement
  readonly decision: Decision<object>
  readonly auth: AuthContext<object> | undefined
  readonly check: DecisionCheck
  readonly durationMs: number
}

const observed = new WeakMap<object, { readonly observer: DecisionObserver; readonly decide: ObservedDecide }>()
// Keyed by the adapter's object of the request (Express `req`, Fastify `reply`, Hono `c`): gone with it.
const held = new WeakMap<object, Held>()

/** Lets {@link decideHeld} decide with `verifier`'s pipeline; a verifier nothing can observe is not registered. */
export function allowHeldDecisions(verifier: object, observer: DecisionObserver | undefined, decide: ObservedDecide): void {
  if (observer !== undefined) observed.set(verifier, { observer, decide })
}

/**
 * `verifier.decide(view, requirement)` for an adapter whose guards may still refuse: an accepted or anonymous
 * decision is reported by {@link reportHeld} or {@link guardRefusal}, once — or, when `response` is given,
 * when it closes. `key` is the adapter's object of this request; a later decision on the same key (a second
 * authentication, a guard deciding for itself) replaces the held one, so a request is counted once.
 */
export function decideHeld<TClaims extends object>(verifier: Deciding, view: RequestView, requirement: RouteRequirement, key: object, response?: ClosingResponse): Decision<TClaims> | Promise<Decision<TClaims>> {
  const entry = observed.get(verifier)
  if (entry === undefined || !entry.observer.active()) return verifier.decide<TClaims>(view, requirement)
  return entry.decide(view, requirement, holding(entry.observer, key, response)) as Decision<TClaims> | Promise<Decision<TClaims>>
}

/** Reports the decision held for `key` as it was decided (the adapter answered); nothing when none is held. */
export function reportHeld(key: object): void {
  const record = held.get(key)
  if (record === undefined) return
  held.delete(key)
  record.observer.report(record.view, record.requirement, record.decision, record.auth, record.check, record.durationMs)
}

/**
 * Reports a guard's refusal `error` (a `TokenGuardError`; anything else is left alone) in place of the decision
 * held for `key`, with `requirement` — the guard's — as the one required. Answers `error`, for the adapter to pass on.
 */
export function guardRefusal<E>(key: object, error: E, requirement?: RouteRequirement): E {
  const record = held.get(key)
  if (record === undefined || !isTokenGuardError(error)) return error
  held.delete(key)
  record.observer.report(record.view, requirement ?? record.requirement, refused(error), record.auth, record.check, record.durationMs)
  return error
}

/** The observer the pipeline reports this request's decision to: refusals through, the rest held. */
function holding(observer: DecisionObserver, key: object, response: ClosingResponse | undefined): DecisionObserver {
  return {
    active: () => true,
    now: observer.now,
    record(view, requirement, decision, auth, check, started) {
      if (decision.outcome === 'refused' || view === undefined) {
        held.delete(key)
        return observer.record(view, requirement, decision, auth, check, started)
      }
      // Read now, while deciding: a view that reads them lazily remembers them as they are now (the route as
      // decided, the address of a socket that may have forgotten it when the response closes).
      void view.route
      void view.remoteAddress
      const waiting = held.has(key)
      held.set(key, { observer, view, requirement, decision, auth, check, durationMs: observer.now() - started })
      if (!waiting) response?.once('close', () => reportHeld(key))
    },
    report: observer.report,
  }
}
