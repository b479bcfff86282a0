/**
 * Timing with `process.hrtime.bigint()`: each case is calibrated to about `roundMs` per round, warmed up,
 * then measured in rounds interleaved with the other cases of its group (A B C A B C …), so that a burst of
 * load from another process hits every case alike. The median round is the result.
 */

/** An operation to time: synchronous, or a promise awaited before the next one starts. */
export type Operation = () => unknown

export interface Timed {
  name: string
  /** Median µs per operation over the rounds. */
  microsPerOp: number
  /** Fastest round, µs per operation. */
  bestMicrosPerOp: number
  iterations: number
  rounds: number
}

async function timeLoop(operation: Operation, iterations: number): Promise<number> {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) {
    const outcome = operation()
    if (outcome instanceof Promise) await outcome
  }
  return Number(process.hrtime.bigint() - started) / 1000 / iterations
}

/** Runs `operation` for about `ms` to warm it up, and returns the iteration count for a round of `ms`. */
async function calibrate(operation: Operation, ms: number): Promise<number> {
  let iterations = 16
  let total = 0
  let done = 0
  while (total < ms * 1000) {
    const perOp = await timeLoop(operation, iterations)
    total += perOp * iterations
    done += iterations
    iterations *= 2
  }
  return Math.max(16, Math.round((ms * 1000) / (total / done)))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Times every operation of a group, rounds interleaved. */
export async function timeGroup(cases: ReadonlyArray<[name: string, operation: Operation]>, roundMs: number, rounds: number): Promise<Timed[]> {
  const iterations: number[] = []
  for (const [, operation] of cases) iterations.push(await calibrate(operation, roundMs))
  const samples: number[][] = cases.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [index, [, operation]] of cases.entries()) samples[index]!.push(await timeLoop(operation, iterations[index]!))
  }
  return cases.map(([name], index) => ({
    name,
    microsPerOp: median(samples[index]!),
    bestMicrosPerOp: Math.min(...samples[index]!),
    iterations: iterations[index]!,
    rounds,
  }))
}
