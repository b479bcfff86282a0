/**
 * "Alert on spikes in token requests": a token request sink that counts requests in fixed windows against
 * the weighted mean of past windows, and alerts when a window reaches a floor and a multiple of that baseline
 * (a client refreshing in a loop, a cache that stopped working, a leaked secret used elsewhere shows up in
 * the authorization server's logs, not here). Constant memory; the clock is injectable for tests.
 */
import type { TokenRequestEvent, TokenRequestSink } from './telemetry.js'
import { toMilliseconds, type Duration } from './duration.js'

/** A token request spike. */
export interface TokenRequestSpikeAlert {
  readonly type: 'token_request_spike'
  readonly clientId: string
  /** Requests in the window so far, and per window before it (weighted mean). */
  readonly requests: number
  readonly baseline: number
  readonly windowStart: number
  readonly windowMs: number
}

/** Options of {@link tokenRequestSpikeDetector}. */
export interface TokenRequestSpikeDetectorOptions {
  /** Called with each alert; exceptions thrown by it are ignored. Required. */
  onAlert: (alert: TokenRequestSpikeAlert) => void
  /** Window length, 1 s to 24 h. Default 60 000 ms (1 min). */
  windowDuration?: Duration
  /** Requests in one window below which nothing is a spike. Default 10. */
  minRequests?: number
  /** How many times the baseline a window must reach (above 1). Default 3. */
  factor?: number
  /** Windows observed before any alert. Default 1. */
  learningWindows?: number
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
}

const WEIGHT = 0.3
const OPTION_KEYS = new Set(['onAlert', 'windowDuration', 'minRequests', 'factor', 'learningWindows', 'now'])
const WHERE = 'tokenRequestSpikeDetector()'

/** Creates the detector; pass it as (one of) the client's `audit` sinks. */
export function tokenRequestSpikeDetector(options: TokenRequestSpikeDetectorOptions): TokenRequestSink {
  const settled = settle(options)
  let windowStart = settled.now()
  let count = 0
  let baseline = 0
  let windowsSeen = 0
  let alerted = false
  return (event: TokenRequestEvent) => {
    const now = settled.now()
    const elapsed = Math.floor((now - windowStart) / settled.windowMs)
    if (elapsed > 0) {
      baseline = windowsSeen === 0 ? count : WEIGHT * count + (1 - WEIGHT) * baseline
      baseline *= (1 - WEIGHT) ** Math.min(elapsed - 1, 64)
      windowsSeen += elapsed
      windowStart += elapsed * settled.windowMs
      count = 0
      alerted = false
    }
    count += 1
    if (alerted || windowsSeen < settled.learningWindows || count < settled.minRequests || count < settled.factor * baseline) return
    alerted = true
    try {
      settled.onAlert({ type: 'token_request_spike', clientId: event.clientId, requests: count, baseline, windowStart, windowMs: settled.windowMs })
    } catch {
      // alerting failing must not fail token requests
    }
  }
}

function settle(options: TokenRequestSpikeDetectorOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`tokenguard: ${WHERE} needs an options object`)
  const unknown = Object.keys(options).find((key) => !OPTION_KEYS.has(key))
  if (unknown !== undefined) throw new TypeError(`tokenguard: ${WHERE} has no option ${JSON.stringify(unknown)} (known: ${[...OPTION_KEYS].join(', ')})`)
  if (typeof options.onAlert !== 'function') throw new TypeError(`tokenguard: ${WHERE} "onAlert" must be a function`)
  const whole = (value: unknown, fallback: number, name: string, min: number) => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new TypeError(`tokenguard: ${WHERE} "${name}" must be a whole number of at least ${min}`)
    return value
  }
  const factor = options.factor ?? 3
  if (typeof factor !== 'number' || !(factor > 1)) throw new TypeError(`tokenguard: ${WHERE} "factor" must be a number above 1`)
  return {
    onAlert: options.onAlert,
    windowMs: options.windowDuration === undefined ? 60_000 : toMilliseconds(options.windowDuration, `${WHERE} "windowDuration"`, { min: 1000, max: 86_400_000 }),
    minRequests: whole(options.minRequests, 10, 'minRequests', 1),
    factor,
    learningWindows: whole(options.learningWindows, 1, 'learningWindows', 0),
    now: options.now ?? Date.now,
  }
}
