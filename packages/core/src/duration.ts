/**
 * Durations given as milliseconds or as a short string (`'500ms'`, `'30s'`, `'5m'`, `'1h'`), read once at
 * configuration time. A string without a unit, or a unit not listed, is a `TypeError`: `'5'` could mean
 * seconds or milliseconds, and guessing would put a check's window off by a factor of a thousand.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/

/** Milliseconds for `value` (a number of milliseconds or a string with a unit); `fallback` when `undefined`. */
export function durationMs(value: number | string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parse(value) : Number.NaN
  if (!Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`tokenguard: "${name}" must be a non-negative number of milliseconds or a string such as '30s' or '5m'`)
  }
  return ms
}

function parse(text: string): number {
  const match = DURATION.exec(text.trim())
  return match === null ? Number.NaN : Number(match[1]) * UNIT_MS[match[2]!]!
}
