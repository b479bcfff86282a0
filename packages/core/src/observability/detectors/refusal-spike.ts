/**
 * "Alert on spikes in failed authentication attempts": an audit sink that counts refusals (400, 401, 403 —
 * not 503, an outage is no attempt) in fixed windows, overall and per `client_id`, and alerts when a window
 * reaches a floor and a multiple of its baseline. Per-client counts live in a count-min sketch: memory is
 * fixed however many client ids (real or invented) arrive.
 */
import type { Duration } from '../../duration.js'
import type { DecisionEvent } from '../decision-event.js'
import type { AuditSink } from '../observer.js'
import { KeyedWindowCounts } from './count-min.js'
import { countOption, factorOption, settleDetector, windowOption, type DetectorOptions } from './detector-options.js'
import { WindowedCount } from './windowed-count.js'

/** A refusal spike, overall or of one client. */
export interface RefusalSpikeAlert {
  readonly type: 'refusal_spike'
  readonly scope: 'overall' | 'client'
  /** The client (as the tokens named it: refusals are mostly of unverified tokens), for `scope: 'client'`. */
  readonly clientId: string | undefined
  /** Refusals in the window so far (per client: an estimate, never below the true count). */
  readonly refusals: number
  /** Refusals per window before this one (weighted mean). */
  readonly baseline: number
  /** Start of the window, epoch milliseconds, and its length. */
  readonly windowStart: number
  readonly windowMs: number
}

/** Options of {@link refusalSpikeDetector}. */
export interface RefusalSpikeOptions extends DetectorOptions<RefusalSpikeAlert> {
  /** Window length: milliseconds or a string such as `'1m'`. Accepted: 1 s – 1 day. Default is 60000 (1 minute). */
  windowDuration?: Duration | undefined
  /** Refusals in one window below which nothing is a spike, overall. Default is 50. */
  minRefusals?: number | undefined
  /** Refusals of one client in one window below which nothing is a spike. Default is 20. */
  minClientRefusals?: number | undefined
  /** How many times its baseline a window must reach. Default is 3. */
  factor?: number | undefined
  /** Windows observed before any alert (the baseline's first data). Default is 1. */
  learningWindows?: number | undefined
  /** Per-client detection; `false` for overall only. Default is `true`. */
  perClient?: boolean | undefined
}

/** The detector: an audit sink, plus the memory it holds (constant). */
export interface RefusalSpikeDetector extends AuditSink {
  /** Bytes of per-client state: fixed at creation. */
  readonly stateBytes: number
}

// 4 rows of 4096 cells: an estimate is off by more than 1/4096 of the window's refusals with probability < 2 %.
const SKETCH_WIDTH = 4096
const SKETCH_DEPTH = 4

/** Creates the detector; pass it as (one of) the verifier's `audit` sinks. */
export function refusalSpikeDetector(options: RefusalSpikeOptions): RefusalSpikeDetector {
  const { alert, now } = settleDetector(options, ['windowDuration', 'minRefusals', 'minClientRefusals', 'factor', 'learningWindows', 'perClient'], 'refusalSpikeDetector()')
  const windowMs = windowOption(options.windowDuration, 60_000, 'windowDuration')
  const factor = factorOption(options.factor, 3, 'factor')
  const overall = { min: countOption(options.minRefusals, 50, 'minRefusals', 1, 1e9), factor }
  const perClient = { min: countOption(options.minClientRefusals, 20, 'minClientRefusals', 1, 1e9), factor }
  const learning = countOption(options.learningWindows, 1, 'learningWindows', 0, 1000)
  const started = now()
  const total = new WindowedCount(windowMs, started)
  const clients = options.perClient === false ? undefined : new KeyedWindowCounts(SKETCH_WIDTH, SKETCH_DEPTH, windowMs, started)
  // One alert per client and window; bounded, since a flood could otherwise make each invented id alert.
  let alertedClients = new Set<string>()
  let alertedWindow = started
  const MAX_CLIENT_ALERTS = 100

  const detector = (event: DecisionEvent): void => {
    if (event.outcome !== 'refused' || event.status === undefined || event.status >= 500) return
    const at = now()
    const spike = total.add(1, at, overall, learning)
    if (spike !== undefined) alert({ type: 'refusal_spike', scope: 'overall', clientId: undefined, refusals: spike, baseline: total.baseline, windowStart: total.windowStart, windowMs })
    if (clients === undefined || event.client_id === undefined) return
    const { count, baseline, windowsSeen } = clients.add(event.client_id, at)
    if (clients.windowStart !== alertedWindow) {
      alertedClients = new Set()
      alertedWindow = clients.windowStart
    }
    if (windowsSeen < learning || count < perClient.min || count < factor * baseline) return
    if (alertedClients.has(event.client_id) || alertedClients.size >= MAX_CLIENT_ALERTS) return
    alertedClients.add(event.client_id)
    alert({ type: 'refusal_spike', scope: 'client', clientId: event.client_id, refusals: count, baseline, windowStart: clients.windowStart, windowMs })
  }
  return Object.assign(detector, { stateBytes: clients?.bytes ?? 0 })
}
