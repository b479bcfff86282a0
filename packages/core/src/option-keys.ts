/**
 * Unknown option keys. In plain JavaScript (or behind `as any`) a misspelt option is silently ignored, and
 * an ignored security option fails open: `clockTolerence`, `scope` for `scopes`. Every place where options
 * enter refuses keys it does not know, and suggests the one that was probably meant.
 */
import { ConfigurationError } from './errors.js'

/**
 * Refuses any own key of `value` that is not in `allowed`, with a "did you mean …?" suggestion.
 *
 * @param value The options object; anything else is refused as "must be an object".
 * @param allowed The keys this place accepts.
 * @param where Where the options were given, for the message: `createVerifier options`, `issuers[1]`.
 * @param path The option path of `value` itself, prefixed to the key in {@link ConfigurationError.option}
 *   (`issuers[1]` → `issuers[1].clockTolerence`). Default is none.
 * @throws {ConfigurationError} e.g. `tokenguard: unknown option "clockTolerence" in createVerifier options (did you mean "clockTolerance"?)`
 */
export function assertKnownKeys(value: unknown, allowed: Iterable<string>, where: string, path = ''): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(path, `${where} must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`)
  }
  if (looksLikeRequest(value)) {
    // `app.get('/x', authenticate, handler)`: the factory itself mounted as middleware gets the request as its options.
    const factory = /^(\w+)\(\) options$/.exec(where)?.[1] ?? 'authenticate'
    throw new ConfigurationError(path, `${where} received a request object: the factory was mounted as middleware itself. Call it once, at startup, with options and mount what it returns, e.g. app.use(${factory}({ issuer, audience }))`)
  }
  const known = new Set(allowed)
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue
    const suggestion = closestName(key, known)
    const hint = suggestion === undefined ? `known options: ${[...known].join(', ')}` : `did you mean "${suggestion}"?`
    throw new ConfigurationError(path === '' ? key : `${path}.${key}`, `unknown option ${JSON.stringify(key)} in ${where} (${hint})`)
  }
}

/**
 * The candidate closest to `name` within a small edit distance (case, `_` and `-` ignored), or
 * `undefined` when none is close enough to be a plausible misspelling.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalize(name)
  // Short names are too easily "close" to anything: allow fewer edits for them.
  const limit = Math.min(2, Math.floor(wanted.length / 3))
  let best: { name: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate))
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '')
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Number.POSITIVE_INFINITY
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let distance = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = distance
    }
  }
  return rows[a.length]![b.length]!
}

/** A framework's request or context object (Node's IncomingMessage, a Fetch Request, Hono's or Koa's context). */
export function looksLikeRequest(value: object): boolean {
  return ('headers' in value && ('method' in value || 'socket' in value)) || ('req' in value && ('res' in value || 'env' in value))
}
