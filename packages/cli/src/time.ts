/** Epoch seconds as people read them: the number, the UTC time, and how far from the clock used. */

/** `1795000000 (2026-11-18T09:46:40Z, 5m 3s ago)`; without `now`, no distance. */
export function formatTime(seconds: number, now?: number): string {
  if (!Number.isFinite(seconds)) return String(seconds)
  const date = new Date(seconds * 1000)
  const iso = Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString().replace(/\.000Z$/, 'Z')
  return now === undefined ? `${seconds} (${iso})` : `${seconds} (${iso}, ${distance(seconds - now)})`
}

function distance(delta: number): string {
  if (delta === 0) return 'now'
  const text = span(Math.abs(delta))
  return delta > 0 ? `in ${text}` : `${text} ago`
}

function span(seconds: number): string {
  const units: Array<[number, string]> = [[86_400, 'd'], [3_600, 'h'], [60, 'm'], [1, 's']]
  const parts: string[] = []
  let rest = Math.round(seconds)
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.length === 0 ? `${seconds}s` : parts.join(' ')
}
