/**
 * Where decisions are observed: metrics, the application's audit sinks, and the `tokenguard:decision`
 * channel. The pipeline asks `active()` first and, when nothing listens, neither reads the clock nor builds
 * anything; the event object is only built when a sink or a subscriber will receive it.
 */
import type { AuthContext } from '../auth-context.js'
import type { Decision } from '../decision.js'
import type { RequestView } from '../request.js'
import type { RouteRequirement } from '../requirement.js'
import { decisionEvent } from './decision-event.js'
import { decisionChannel, type ChannelLike } from './diagnostics-channel.js'
import type { VerifierMetrics } from './metrics.js'
import type { AuditSink, DecisionCheck, DecisionEvent } from './option-types.js'

export type { AuditSink } from './option-types.js'


/** What the pipeline reports decisions to. */
export interface DecisionObserver {
  /** Whether anything listens right now (metrics, a sink, or a channel subscriber). */
  active(): boolean
  /** A monotonic clock, milliseconds. */
  now(): number
  /** Records a decision taken since `started` (a value of `now()`); `auth` is the verified token, if any. */
  record(view: RequestView | undefined, requirement: RouteRequirement, decision: Decision<object>, auth: AuthContext<object> | undefined, check: DecisionCheck, started: number): void
  /** Records a decision that took `durationMs` (one whose report waited for a guard: `held-decision.ts`). */
  report(view: RequestView | undefined, requirement: RouteRequirement, decision: Decision<object>, auth: AuthContext<object> | undefined, check: DecisionCheck, durationMs: number): void
}

/** The observer, or `undefined` when nothing could ever listen (no metrics, no sinks, no channels). */
export function decisionObserver(metrics: VerifierMetrics | undefined, sinks: readonly AuditSink[], channel: ChannelLike | undefined = decisionChannel): DecisionObserver | undefined {
  if (metrics === undefined && sinks.length === 0 && channel === undefined) return undefined
  const always = metrics !== undefined || sinks.length > 0
  const observer: DecisionObserver = {
    active: () => always || channel!.hasSubscribers,
    now: () => performance.now(),
    record: (view, requirement, decision, auth, check, started) => observer.report(view, requirement, decision, auth, check, performance.now() - started),
    report(view, requirement, decision, auth, check, durationMs) {
      try {
        metrics?.decision(decision, auth, check, view?.route, durationMs)
      } catch {
        // an SDK that throws must not turn an answer into an error: observability never changes a decision
      }
      const publish = channel?.hasSubscribers === true
      if (sinks.length === 0 && !publish) return
      const event = decisionEvent(view, requirement, decision, auth, check, durationMs)
      for (const sink of sinks) deliver(sink, event)
      if (publish) deliver((message) => channel!.publish(message), event)
    },
  }
  return observer
}

function deliver(sink: AuditSink, event: DecisionEvent): void {
  try {
    sink(event)
  } catch {
    // an audit sink's failure is the application's to see in its own sink, never a changed answer
  }
}
