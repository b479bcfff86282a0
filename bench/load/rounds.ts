/**
 * Measuring several servers fairly on a shared, noisy machine: every server is warmed up, then measured in
 * short rounds that cycle through all servers (the order rotating each round), so a burst of load from
 * another process is spread over all of them instead of landing on one. Per server the rounds are summed:
 * req/s is all requests over all measured time; server CPU comes from the server process's own counters.
 */
import { runLoad, type Cursor, type RunStats, type Workload } from './autocannon-run.js'
import type { ServerProcess } from './server-process.js'

export interface Contender {
  name: string
  server: ServerProcess
  /** Whether the server has a token cache to fill: only then does the warm-up walk the pool (`warmupPasses`). Default true. */
  caches?: boolean
}

export interface Measured {
  name: string
  requestsPerSecond: number
  /** req/s of each round, in order: the spread shows the noise. */
  roundsPerSecond: number[]
  /** Median of the rounds' p99 latency. */
  latencyP99Ms: number
  latencyMeanMs: number
  requests: number
  durationSeconds: number
  non2xx: number
  errors: number
  timeouts: number
  /** Server CPU time (user + system) per request, µs. */
  serverCpuMicrosPerRequest: number
  /** Server CPU time over measured wall time (100 % = one core). */
  serverCpuPercent: number
  serverRssMB: number
}

export interface RoundOptions {
  connections: number
  warmup: number
  duration: number
  rounds: number
  onRound?: (name: string, round: number, stats: RunStats) => void
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** A cold workload whose single-use tokens ran out measured reused or missing tokens: refused, loudly. */
function refuseExhausted(workload: Workload): void {
  const lacking = workload.singleUse?.exhausted ?? 0
  if (lacking > 0) {
    throw new Error(`bench: the ${workload.name} workload ran out of single-use tokens (${lacking} requests found none after ${workload.singleUse!.used} were used); raise BENCH_COLD_HEADROOM or set BENCH_COLD_TOKENS`)
  }
}

export async function measureRounds(contenders: readonly Contender[], workload: Workload, options: RoundOptions): Promise<Measured[]> {
  const cursors = new Map<string, Cursor>(contenders.map((contender) => [contender.name, { next: 0 }]))
  for (const contender of contenders) {
    const cursor = cursors.get(contender.name)!
    // At least `warmupPasses` walks over the pool: tokenguard stores a token on its second sighting.
    const passes = contender.caches === false ? 0 : workload.warmupPasses ?? 0
    do await runLoad(contender.server.url, workload, cursor, options.connections, options.warmup)
    while (cursor.next < passes * workload.tokens.length)
    refuseExhausted(workload)
  }
  const samples = new Map<string, Array<RunStats & { cpuMicros: number; rssBytes: number }>>(contenders.map((contender) => [contender.name, []]))
  for (let round = 0; round < options.rounds; round++) {
    const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]!)
    for (const { name, server } of order) {
      const before = await server.usage()
      const stats = await runLoad(server.url, workload, cursors.get(name)!, options.connections, options.duration)
      const after = await server.usage()
      refuseExhausted(workload)
      samples.get(name)!.push({ ...stats, cpuMicros: after.cpuMicros - before.cpuMicros, rssBytes: after.rssBytes })
      options.onRound?.(name, round, stats)
    }
  }
  return contenders.map(({ name }) => {
    const list = samples.get(name)!
    const sum = (pick: (sample: (typeof list)[number]) => number) => list.reduce((total, sample) => total + pick(sample), 0)
    const requests = sum((sample) => sample.requests)
    const durationSeconds = sum((sample) => sample.durationSeconds)
    const cpuMicros = sum((sample) => sample.cpuMicros)
    return {
      name,
      requestsPerSecond: requests / durationSeconds,
      roundsPerSecond: list.map((sample) => sample.requests / sample.durationSeconds),
      latencyP99Ms: median(list.map((sample) => sample.latencyP99Ms)),
      latencyMeanMs: sum((sample) => sample.latencyMeanMs * sample.requests) / requests,
      requests,
      durationSeconds,
      non2xx: sum((sample) => sample.non2xx),
      errors: sum((sample) => sample.errors),
      timeouts: sum((sample) => sample.timeouts),
      serverCpuMicrosPerRequest: cpuMicros / requests,
      serverCpuPercent: (cpuMicros / (durationSeconds * 1e6)) * 100,
      serverRssMB: list.at(-1)!.rssBytes / 2 ** 20,
    }
  })
}
