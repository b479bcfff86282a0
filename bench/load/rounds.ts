/**
 * Measuring several servers fairly on a shared, noisy machine: every server is warmed up, then measured in
 * short rounds that visit all servers, in a new order each round (`round-order.ts`), so a burst of load from
 * another process is spread over all of them and no server always follows the same other one. A variant may
 * run in several processes (replicas): on this machine two processes of the very same server differed by a
 * fifth in server CPU per request over a whole run, so one process is one draw, and a round measures each of
 * a variant's replicas once (at separate places in its order) and counts them together. Per variant, req/s
 * is all requests over all measured time; server CPU comes from the server processes' own counters.
 */
import { runLoad, type Cursor, type RunStats, type Workload } from './autocannon-run.js'
import { roundOrders } from './round-order.js'
import type { ServerProcess } from './server-process.js'

export interface Contender {
  name: string
  /** The variant's server processes (replicas), all running the same code; each round measures every one. */
  servers: readonly ServerProcess[]
  /** Whether the server has a token cache to fill: only then does the warm-up walk the pool (`warmupPasses`). Default true. */
  caches?: boolean
}

export interface Measured {
  name: string
  requestsPerSecond: number
  /** req/s of each round (all replicas of the round together), in order: the spread shows the noise. */
  roundsPerSecond: number[]
  /** Median of the measurements' p99 latency. */
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
  /** Resident memory of the largest replica at its last measurement. */
  serverRssMB: number
}

export interface RoundOptions {
  connections: number
  warmup: number
  /** Measured seconds per variant per round, split evenly over its replicas. */
  duration: number
  rounds: number
  onRound?: (name: string, round: number, stats: RunStats) => void
}

/** Stops every process of every contender. */
export async function stopContenders(contenders: readonly Contender[]): Promise<void> {
  await Promise.all(contenders.flatMap((contender) => contender.servers.map((server) => server.stop())))
}

/** One measurement of one server process in one round. */
export type Sample = RunStats & { name: string; round: number; cpuMicros: number; rssBytes: number }

/** One server process of one variant, with its own walk over a round-robin pool (its own cache to fill). */
interface Slot {
  name: string
  server: ServerProcess
  cursor: Cursor
  caches: boolean
  /** How many processes the variant has: each is measured for its share of the variant's `duration`. */
  replicas: number
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

async function warmUp(slot: Slot, workload: Workload, options: RoundOptions): Promise<void> {
  // At least `warmupPasses` walks over the pool: tokenguard stores a token on its second sighting.
  const passes = slot.caches ? workload.warmupPasses ?? 0 : 0
  do await runLoad(slot.server.url, workload, slot.cursor, options.connections, options.warmup)
  while (slot.cursor.next < passes * workload.tokens.length)
  refuseExhausted(workload)
}

async function measureSlot(slot: Slot, round: number, workload: Workload, options: RoundOptions): Promise<Sample> {
  const before = await slot.server.usage()
  const stats = await runLoad(slot.server.url, workload, slot.cursor, options.connections, options.duration / slot.replicas)
  const after = await slot.server.usage()
  refuseExhausted(workload)
  options.onRound?.(slot.name, round, stats)
  return { ...stats, name: slot.name, round, cpuMicros: after.cpuMicros - before.cpuMicros, rssBytes: after.rssBytes }
}

/** A variant's figures from its samples: each round's req/s counts all its processes of that round together. */
export function summary(name: string, samples: readonly Sample[], rounds: number): Measured {
  const sum = (list: readonly Sample[], pick: (sample: Sample) => number) => list.reduce((total, sample) => total + pick(sample), 0)
  const requests = sum(samples, (sample) => sample.requests)
  const durationSeconds = sum(samples, (sample) => sample.durationSeconds)
  const cpuMicros = sum(samples, (sample) => sample.cpuMicros)
  const roundsPerSecond = Array.from({ length: rounds }, (_, round) => {
    const inRound = samples.filter((sample) => sample.round === round)
    return sum(inRound, (sample) => sample.requests) / sum(inRound, (sample) => sample.durationSeconds)
  })
  const lastRound = samples.filter((sample) => sample.round === rounds - 1)
  return {
    name,
    requestsPerSecond: requests / durationSeconds,
    roundsPerSecond,
    latencyP99Ms: median(samples.map((sample) => sample.latencyP99Ms)),
    latencyMeanMs: sum(samples, (sample) => sample.latencyMeanMs * sample.requests) / requests,
    requests,
    durationSeconds,
    non2xx: sum(samples, (sample) => sample.non2xx),
    errors: sum(samples, (sample) => sample.errors),
    timeouts: sum(samples, (sample) => sample.timeouts),
    serverCpuMicrosPerRequest: cpuMicros / requests,
    serverCpuPercent: (cpuMicros / (durationSeconds * 1e6)) * 100,
    serverRssMB: Math.max(...lastRound.map((sample) => sample.rssBytes)) / 2 ** 20,
  }
}

export async function measureRounds(contenders: readonly Contender[], workload: Workload, options: RoundOptions): Promise<Measured[]> {
  const slots: Slot[] = contenders.flatMap((contender) => contender.servers.map((server) => ({ name: contender.name, server, cursor: { next: 0 }, caches: contender.caches !== false, replicas: contender.servers.length })))
  for (const slot of slots) await warmUp(slot, workload, options)
  const samples: Sample[] = []
  for (const [round, order] of roundOrders(slots.length, options.rounds).entries()) {
    for (const index of order) samples.push(await measureSlot(slots[index]!, round, workload, options))
  }
  return contenders.map(({ name }) => summary(name, samples.filter((sample) => sample.name === name), options.rounds))
}
