/**
 * The lines of an overhead benchmark (`bench:express`, `bench:fastify`): per case, µs per request and what
 * it adds over the first case (the bare route), by three measures — the median round's wall time, the
 * fastest round's (the least disturbed by other processes) and the median round's CPU time (which does not
 * count the time another process held the core: on a shared machine the steadier measure).
 */
import type { Timed } from '../micro/timing.js'

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export function overheadLines(timed: readonly Timed[]): string[] {
  const [bare] = timed
  if (bare === undefined) return []
  const cell = (value: number, base: number) => `${value.toFixed(2).padStart(6)} (+${(value - base).toFixed(2)})`
  const lines = [`${'case'.padEnd(10)} ${'median wall µs'.padEnd(16)} ${'fastest round µs'.padEnd(16)} median CPU µs   (+ over ${bare.name})`]
  for (const entry of timed) {
    lines.push(`${entry.name.padEnd(10)} ${cell(entry.microsPerOp, bare.microsPerOp).padEnd(16)} ${cell(entry.bestMicrosPerOp, bare.bestMicrosPerOp).padEnd(16)} ${cell(median(entry.cpuSamples), median(bare.cpuSamples))}`)
  }
  return lines
}
