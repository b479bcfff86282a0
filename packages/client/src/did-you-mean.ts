/**
 * Refusal of unknown option keys, with a "did you mean …?" suggestion. A misspelt option that is silently
 * ignored (`clientSecrte`, `scpoe`) is a configuration that does something other than what was written.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * The known name closest to `name`, when it is close enough to be a plausible typo (at most a third of the
 * name's length in edits, case differences free), or else the one known name that `name` begins
 * (`timeout` for `timeoutDuration`: the unit suffix forgotten).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(name.length / 3))) return best
  const extended = name.length >= 4 ? known.filter((candidate) => candidate.toLowerCase().startsWith(name.toLowerCase())) : []
  return extended.length === 1 ? extended[0] : undefined
}

/**
 * Throws a `TypeError` for the first own key of `options` that is not in `known`:
 * `tokenguard: unknown option "X" in <where> (did you mean "Y"?)`. `renamed` maps former names to current
 * ones, so that an option renamed in a release is suggested even when the names look nothing alike.
 */
export function refuseUnknownOptions(
  options: object,
  known: readonly string[],
  where: string,
  renamed: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const suggestion = Object.hasOwn(renamed, key) ? renamed[key] : closestName(key, known)
    const hint = suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`
    throw new TypeError(`tokenguard: unknown option ${JSON.stringify(key)} in ${where}${hint}`)
  }
}
