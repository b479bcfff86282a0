/**
 * The token's header and claims, decoded without trusting anything, for display and for the values each
 * check compares. The signature segment is never decoded, kept or printed; printed values are bounded.
 */

/** A JSON object from the token. */
export type JsonObject = Record<string, unknown>

/** What the token says about itself, unverified. */
export interface DecodedToken {
  /** Characters in the token. */
  length: number
  /** Dot-separated segments (a compact JWS has 3). */
  segments: number
  /** The protected header, when it is a JSON object. */
  header: JsonObject | undefined
  /** The claims, when the payload is a JSON object. */
  claims: JsonObject | undefined
}

/** Decodes the first two segments of `token`. */
export function decodeUnverified(token: string): DecodedToken {
  const parts = token.split('.')
  return { length: token.length, segments: parts.length, header: jsonSegment(parts[0]), claims: parts.length === 3 ? jsonSegment(parts[1]) : undefined }
}

function jsonSegment(segment: string | undefined): JsonObject | undefined {
  if (segment === undefined || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined
  } catch {
    return undefined
  }
}

const MAX_STRING = 120
const MAX_ITEMS = 10
const MAX_KEYS = 40
const MAX_DEPTH = 3

/** `value` with long strings cut, long arrays and objects shortened, deep nesting elided: safe to print whole. */
export function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[… ${value.length} items]` : '{…}'
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_ITEMS).map((item) => bounded(item, depth + 1))
    return value.length > MAX_ITEMS ? [...shown, `… ${value.length - MAX_ITEMS} more`] : shown
  }
  const entries = Object.entries(value)
  const shown = entries.slice(0, MAX_KEYS).map(([key, item]) => [bounded(key, MAX_DEPTH), bounded(item, depth + 1)] as const)
  if (entries.length > MAX_KEYS) shown.push(['…', `${entries.length - MAX_KEYS} more`])
  return Object.fromEntries(shown)
}

/** One value for a line of text: JSON, bounded. */
export function show(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(bounded(value))
}
