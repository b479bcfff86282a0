/**
 * Durations: one parser for every duration option. A number is milliseconds; a string carries its unit, as
 * jose writes them (`'500ms'`, `'5s'`, `'10m'`, `'1h'`, `'1d'`). Each option has bounds, and a value outside
 * them is refused at startup with the accepted range in the message: a value written in the wrong unit
 * (`clockTolerance: 5` meant as 5 seconds) must fail loudly, not quietly mean something else. So a bare
 * number from 1 to 999 is refused for every duration: below a second, only a string says its unit for sure
 * (`cacheMaxAge: 300` meant as 5 minutes would refetch the key set three times a second; `'300ms'` is meant).
 */
import { ConfigurationError } from './errors.js'

/** The units a duration string may end with. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd'

/**
 * Milliseconds as a number, or a string with its unit: `'500ms'`, `'5s'`, `'10m'`, `'1h'`, `'1d'`. A bare number from
 * 1 to 999 is refused (seconds written as milliseconds, most likely): under a second, write the unit.
 */
export type Duration = number | `${number}${DurationUnit}`

/** What one duration option accepts, in milliseconds. */
export interface DurationBounds {
  min: number
  max: number
  /** An example for messages, e.g. `'5s'`. */
  example: string
}

// Bare numbers from 1 up to this are refused (see the file comment); the same value with its unit is accepted.
const BARE_BELOW_MS = 1_000
const UNIT_MS: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION_STRING = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** The duration `value` of option `option` in milliseconds, or `fallback` when it is `undefined`. */
export function optionalDuration(value: unknown, fallback: number, option: string, bounds: DurationBounds): number {
  return value === undefined ? fallback : parseDuration(value, option, bounds)
}

/** The duration `value` of option `option` in milliseconds, within `bounds`, or a {@link ConfigurationError}. */
export function parseDuration(value: unknown, option: string, bounds: DurationBounds): number {
  const ms = toMilliseconds(value)
  if (ms === undefined || ms < 0 || (bounds.min > 0 && ms === 0)) {
    const kind = bounds.min > 0 ? 'positive' : 'non-negative'
    throw new ConfigurationError(option, `"${option}" must be a ${kind} number of milliseconds or a duration string such as '${bounds.example}' (units ms, s, m, h, d; accepted: ${range(bounds)}); got ${describe(value)}`)
  }
  if (!Number.isInteger(ms)) {
    throw new ConfigurationError(option, `"${option}" must be a whole number of milliseconds (accepted: ${range(bounds)}); got ${describe(value)}`)
  }
  if (typeof value === 'number' && ms >= 1 && ms < BARE_BELOW_MS) {
    throw new ConfigurationError(option, `"${option}" is in milliseconds: ${ms} ms is implausible — ${bareHints(ms, bounds)} (accepted: ${range(bounds)})`)
  }
  if (ms < bounds.min || ms > bounds.max) {
    const hint = typeof value === 'number' && ms < bounds.min ? secondsHint(ms, bounds) : undefined
    const limit = ms < bounds.min ? `at least ${formatDuration(bounds.min)}` : `at most ${formatDuration(bounds.max)}`
    throw new ConfigurationError(option, `"${option}" must be ${limit} (accepted: ${range(bounds)}); got ${describe(value)}${hint === undefined ? '' : ` — it is in milliseconds: ${hint}`}`)
  }
  return ms
}

/** `300000` → `5 min`; the largest unit that divides the value. */
export function formatDuration(ms: number): string {
  if (ms >= UNIT_MS.d && ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d} ${ms === UNIT_MS.d ? 'day' : 'days'}`
  if (ms >= UNIT_MS.h && ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h} h`
  if (ms >= UNIT_MS.m && ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m} min`
  if (ms >= UNIT_MS.s && ms % UNIT_MS.s === 0) return `${ms / UNIT_MS.s} s`
  return `${ms} ms`
}

function toMilliseconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION_STRING.exec(value)
  if (match === null) return undefined
  const ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit]
  // '1.1s' is 1100.0000000000002 in binary floating point: what was written is a whole number.
  const whole = Math.round(ms)
  return Math.abs(ms - whole) < 1e-6 ? whole : ms
}

// The value read as seconds, when that would be acceptable: the likely intent.
function secondsHint(ms: number, bounds: DurationBounds): string | undefined {
  const asSeconds = ms * 1_000
  return asSeconds >= bounds.min && asSeconds <= bounds.max ? `write '${ms}s' or ${asSeconds}` : undefined
}

// What a bare number below a second was likely meant as, among the values the option accepts.
function bareHints(ms: number, bounds: DurationBounds): string {
  const seconds = secondsHint(ms, bounds)
  const hints = [seconds === undefined ? undefined : `${seconds} for seconds`, ms >= bounds.min ? `write '${ms}ms' for milliseconds` : undefined].filter((hint) => hint !== undefined)
  return hints.length === 0 ? `write it with its unit, e.g. '${bounds.example}'` : hints.join(', or ')
}

function range(bounds: DurationBounds): string {
  return `${formatDuration(bounds.min)} – ${formatDuration(bounds.max)}`
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? `${value} ms` : String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  return value === null ? 'null' : typeof value
}
