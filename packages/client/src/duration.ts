/**
 * Durations of the client's options: a number is milliseconds, a string carries its unit ('500ms', '30s',
 * '5m', '1h'). Every duration has a plausible range, so that seconds written where milliseconds are meant
 * (`timeoutDuration: 10`) fail at startup instead of timing out every request after 10 ms; and, as in core, a
 * bare number from 1 to 999 is refused whatever the range (`timeoutDuration: 300` meant as 5 minutes): under a
 * second, only a string says its unit for sure.
 */

export type DurationUnit = 'ms' | 's' | 'm' | 'h'

/** A duration with its unit, such as `'500ms'`, `'30s'`, `'5m'` or `'1h'`. */
export type DurationString = `${number}${DurationUnit}` | `${number} ${DurationUnit}`

/** A number of milliseconds, or a {@link DurationString}. */
export type Duration = number | DurationString

/** Accepted values of one duration option, in milliseconds. */
export interface DurationRange {
  min: number
  max: number
  /** Whether 0 is accepted besides [min, max] (0 switches the behaviour off). */
  zero?: boolean
}

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
// Bare numbers from 1 up to this are refused (see the file comment); the same value with its unit is accepted.
const BARE_BELOW_MS = 1000
const DURATION_STRING = /^(\d+(?:\.\d+)?) ?(ms|s|m|h)$/

/** Readable form of a number of milliseconds: "10 ms", "30 s", "5 min", "24 h". */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000} min`
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}

function rangeText(range: DurationRange): string {
  const span = `${formatDuration(range.min)} to ${formatDuration(range.max)}`
  return range.zero ? `0 or ${span}` : span
}

// What a bare number below a second was likely meant as, among the values the option accepts.
function bareHints(value: number, range: DurationRange): string {
  const within = (ms: number) => ms >= range.min && ms <= range.max
  const hints = [within(value * 1000) ? `write '${value}s' or ${value * 1000} for seconds` : undefined, within(value) ? `write '${value}ms' for milliseconds` : undefined]
  const given = hints.filter((hint) => hint !== undefined)
  return given.length === 0 ? 'write it with its unit' : given.join(', or ')
}

function parse(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION_STRING.exec(value.trim())
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as DurationUnit]) : undefined
}

/**
 * The duration in milliseconds, or a `TypeError` that names the option, the accepted range and both ways of
 * writing it. `label` names the option, e.g. `createTokenClient() "timeoutDuration"`.
 */
export function toMilliseconds(value: unknown, label: string, range: DurationRange): number {
  const ms = parse(value)
  if (typeof value === 'number' && value >= 1 && value < BARE_BELOW_MS) {
    throw new TypeError(`tokenguard: ${label} is in milliseconds: ${value} ms is implausible — ${bareHints(value, range)} (accepted: ${rangeText(range)})`)
  }
  const inRange = ms !== undefined && ((range.zero === true && ms === 0) || (ms >= range.min && ms <= range.max))
  if (inRange) return ms
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value)
  const got = ms === undefined ? shown : `${shown} (${formatDuration(ms)})`
  throw new TypeError(
    `tokenguard: ${label} must be ${rangeText(range)}, as a number of milliseconds or a string such as '30s' or '5m'; got ${got}`,
  )
}
