/**
 * What each issuer's key source is given for observability: one event listener that feeds the metrics, the
 * `tokenguard:keys` channel and the application's own `onEvent`, a tracer for spans around fetches and
 * discovery, and the registration of its keys for the key-set age gauge.
 */
import { emit, type KeySourceEvent, type KeySourceEventListener } from '../events.js'
import type { KeySource } from '../key-source.js'
import { keysChannel, publishTo, type ChannelLike } from './diagnostics-channel.js'
import type { VerifierMetrics } from './metrics.js'
import type { Traced } from './tracing.js'

/** A key-source event as `tokenguard:keys` subscribers receive it: the event with the issuer it concerns. */
export type KeysChannelMessage = KeySourceEvent & { readonly issuer: string }

/** Observability handed to one issuer's key source. */
export interface KeyObservation {
  /** The listener for the key source of `issuer` (wrapping the application's `onEvent`, if any). */
  listener(issuer: string, onEvent: KeySourceEventListener | undefined): KeySourceEventListener | undefined
  /** Spans, when the application gave `telemetry`. */
  readonly trace: Traced | undefined
  /** Reports `source`'s key-set age, when metrics are on. */
  watch(issuer: string, source: KeySource): void
  /** What an issuer's introspection check reports each request to, when metrics are on. */
  introspection(issuer: string): ((outcome: 'success' | 'failure', durationMs: number) => void) | undefined
}

/** Builds the key observation of a verifier. */
export function keyObservation(metrics: VerifierMetrics | undefined, trace: Traced | undefined, channel: ChannelLike | undefined = keysChannel): KeyObservation {
  return {
    trace,
    listener(issuer, onEvent) {
      if (metrics === undefined && channel === undefined) return onEvent
      return (event) => {
        metrics?.keyEvent(issuer, event)
        publishTo(channel, () => ({ ...event, issuer }))
        emit(onEvent, event)
      }
    },
    watch(issuer, source) {
      metrics?.watchKeys(issuer, source)
    },
    introspection(issuer) {
      return metrics === undefined ? undefined : (outcome, durationMs) => metrics.introspection(issuer, outcome, durationMs)
    },
  }
}

/** No observability at all (static key sources, or a verifier built without it). */
export const NO_KEY_OBSERVATION: KeyObservation = keyObservation(undefined, undefined, undefined)
