/**
 * Unknown option keys are mistakes: plain JavaScript (or a cast) lets `clockTolerence` or `scope` through the
 * type checker, and an ignored key is a check silently off. Every place options enter refuses them, with the
 * nearest known key as the likely fix.
 */

/** Throws a `TypeError` naming the first unknown key of `value` and the known key it was probably meant as. */
export function assertKnownKeys(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue
    const suggestion = nearest(key, allowed)
    throw new TypeError(`tokenguard: unknown option ${JSON.stringify(key)} in ${where}${suggestion === undefined ? ` (known options: ${allowed.join(', ')})` : ` (did you mean ${JSON.stringify(suggestion)}?)`}`)
  }
}

/** The allowed key within a small edit distance (or differing only in case / a trailing "s"), if any. */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}
