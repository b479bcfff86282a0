/**
 * Timing with `process.hrtime.bigint()`: each case is calibrated to about `roundMs` per round, warmed up,
 * then measured in rounds interleaved with the other cases of its group (A B C, B C A, C A B …: the order
 * rotates, so that no case always runs right after the same one), so that a burst of load from another
 * process hits every case alike. The median round is the result; every round is kept for per-round ratios.
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
  /** µs per operation of each round, in round order (round `i` of every case of a group ran together). */
  samples: number[]
  /**
   * The process's CPU time (user + system, all threads) per operation of each round, µs: unlike wall time,
   * it does not count the time another process held the core — on a shared machine, the steadier measure.
   */
  cpuSamples: number[]
}

async function timeLoop(operation: Operation, iterations: number): Promise<number> {
  return (await timeLoopWithCpu(operation, iterations)).wall
}

async function timeLoopWithCpu(operation: Operation, iterations: number): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage()
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) {
    const outcome = operation()
    if (outcome instanceof Promise) await outcome
  }
  const wall = Number(process.hrtime.bigint() - started) / 1000 / iterations
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / iterations }
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
  const cpuSamples: number[][] = cases.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < cases.length; step++) {
      const index = (step + round) % cases.length
      const { wall, cpu } = await timeLoopWithCpu(cases[index]![1], iterations[index]!)
      samples[index]!.push(wall)
      cpuSamples[index]!.push(cpu)
    }
  }
  return cases.map(([name], index) => ({
    name,
    microsPerOp: median(samples[index]!),
    bestMicrosPerOp: Math.min(...samples[index]!),
    iterations: iterations[index]!,
    rounds,
    samples: samples[index]!,
    cpuSamples: cpuSamples[index]!,
  }))
}
