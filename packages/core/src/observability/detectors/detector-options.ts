/** What the detectors share: their alert sink and clock, and the checks of their numeric options. */
import { ConfigurationError } from '../../errors.js'
import { assertKnownKeys } from '../../option-keys.js'
import { describe } from '../../option-values.js'
import { parseDuration, type Duration } from '../../duration.js'

/** Options every detector takes. */
export interface DetectorOptions<TAlert> {
  /** Called with each alert. Exceptions thrown by it are ignored. Required. */
  onAlert: (alert: TAlert) => void
  /** The clock, epoch milliseconds (for tests and simulations). Default is `Date.now`. */
  now?: (() => number) | undefined
}

/** Checks the common options and `options`' keys; answers the alert sink (never throwing) and the clock. */
export function settleDetector<TAlert>(options: DetectorOptions<TAlert>, keys: readonly string[], where: string) {
  assertKnownKeys(options, ['onAlert', 'now', ...keys], where)
  if (typeof options.onAlert !== 'function') throw new ConfigurationError('onAlert', `"onAlert" of ${where} must be a function (alert) => void; got ${describe(options.onAlert)}`)
  if (options.now !== undefined && typeof options.now !== 'function') throw new ConfigurationError('now', `"now" of ${where} must be a function returning epoch milliseconds`)
  const onAlert = options.onAlert
  return {
    alert(alert: TAlert): void {
      try {
        onAlert(alert)
      } catch {
        // the application's alerting failing must not turn into refused requests
      }
    },
    now: options.now ?? Date.now,
  }
}

/** A whole number from `min` to `max`, or `fallback`. */
export function countOption(value: unknown, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(name, `"${name}" must be a whole number from ${min} to ${max}; got ${describe(value)}`)
  }
  return value
}

/** A number above 1 (how many times a baseline), or `fallback`. */
export function factorOption(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 1 || value > 1000) throw new ConfigurationError(name, `"${name}" must be a number above 1 and at most 1000 (times the baseline); got ${describe(value)}`)
  return value
}

/** A detector window: 1 second to 1 day. */
export function windowOption(value: Duration | undefined, fallback: number, name: string): number {
  return value === undefined ? fallback : parseDuration(value, name, { min: 1_000, max: 86_400_000, example: '1m' })
}
