/**
 * Load benchmark (`npm run bench:load`): a key server (RS256) runs in this process; each server variant
 * runs in its own process and is loaded by autocannon from this one, on 127.0.0.1, for fixed durations,
 * in rounds interleaved across the variants (see `load/rounds.ts`).
 *
 * Workloads, in this order, on the same server processes:
 * - reused: one token for every request (a machine-to-machine client);
 * - distinct: `BENCH_TOKENS` (5000) tokens, round-robin; all of them fit in tokenguard's default cache;
 * - overflow: `BENCH_OVERFLOW_TOKENS` (12000) tokens, round-robin, more than the default cache (10000) holds.
 *   With LRU alone every request missed; with admission a stable subset stays cached once each token has
 *   been seen a few times, so for tokenguard it is a mix of hits and misses (the peers have no cache);
 * - cold: every request carries a token that no server has seen before (single-use tokens, `load/single-use.ts`):
 *   every request is a miss, the full signature check. Run only by the variants that check tokens.
 * Tokens come from `load/token-pool.ts` (minted once, kept on disk); the cold ones are disjoint from the others.
 */
import { startKeyServer, TEST_AUDIENCE } from '../test/support/key-server.js'
import type { Workload } from './load/autocannon-run.js'
import { issueTextTable } from './load/ratios.js'
import { faultyRuns, loadMarkdownTable, loadTextTable, type LoadResult, type LoadRun } from './load/report.js'
import { measureRounds, stopContenders, type Contender } from './load/rounds.js'
import { benchSanityTokens, checkVariant } from './load/sanity.js'
import { serverFlags, startServerProcess, type ServerProcess } from './load/server-process.js'
import { BENCH_ISSUER, benchKey } from './load/signing.js'
import { SingleUseTokens, tokensNeeded } from './load/single-use.js'
import { tokenPool } from './load/token-pool.js'
import { variantNamed, VARIANTS, type IssuerConfig } from './load/variants.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { loadSettings as settings } from './support/settings.js'
import { loadTargets, targetsTable } from './targets.js'

const variants = (settings.variants ?? VARIANTS.map((variant) => variant.name)).map(variantNamed)
const checksTokens = (kind: string) => kind === 'tokenguard' || kind === 'control' || kind === 'peer' || kind === 'signature'
const wanted = (name: string) => settings.workloads?.includes(name) ?? true
const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`load benchmark on ${describeMachine(machine)}`)
console.log(`${settings.connections} connections; ${settings.replicas} server process(es) per variant, node ${serverFlags().join(' ') || '(no flags)'}; per process and workload ${settings.warmup} s warm-up, then ${settings.rounds} interleaved rounds of ${settings.duration} s per variant (split over its processes)\n`)

const key = await benchKey()
const keyServer = await startKeyServer({ keys: [key.signingKey] })
const config: IssuerConfig = { issuer: BENCH_ISSUER, jwksUri: keyServer.jwksUri, audience: TEST_AUDIENCE }
// Tokens [0, coldFrom) serve the round-robin workloads; the cold workload's start at coldFrom, whatever runs.
const coldFrom = Math.max(settings.distinctTokens, settings.overflowTokens)

async function pool(count: number): Promise<string[]> {
  const started = performance.now()
  const { tokens, minted, path } = await tokenPool(key, count)
  console.log(minted === 0 ? `read ${tokens.length} RS256 tokens from ${path}` : `minted ${minted} RS256 tokens in ${((performance.now() - started) / 1000).toFixed(1)} s (${tokens.length} kept in ${path})`)
  return tokens
}

const roundRobin = [
  { name: 'reused', description: 'one token for every request', size: 1 },
  { name: 'distinct', description: `${settings.distinctTokens} distinct tokens, round-robin (all fit in the token cache; the warm-up walks the pool at least twice, since a token is stored on its second sighting)`, size: settings.distinctTokens, warmupPasses: 2 },
  { name: 'overflow', description: `${settings.overflowTokens} distinct tokens, round-robin, more than the default cache of 10000 holds: with LRU alone every request missed; with admission tokenguard keeps a stable subset cached, so for it this is a mix of hits and misses (the peers have no cache)`, size: settings.overflowTokens },
].filter((spec) => wanted(spec.name))
const shared = roundRobin.length === 0 ? [] : await pool(coldFrom)
const workloads: Workload[] = roundRobin.map(({ size, ...spec }) => ({ ...spec, tokens: shared.slice(0, size) }))
const coldDescription = 'every request carries a token no server has seen before (each token used once in the run): every request is a cache miss and a full signature check'

const runs: LoadRun[] = []
const contenders: Contender[] = []
const measure = async (list: readonly Contender[], workload: Workload) => {
  const measured = await measureRounds(list, workload, { connections: settings.connections, warmup: settings.warmup, duration: settings.duration, rounds: settings.rounds })
  for (const { name, ...stats } of measured) {
    runs.push({ variant: name, workload: workload.name, ...stats })
    const rounds = stats.roundsPerSecond.map((value) => value.toFixed(0)).join('/')
    console.log(`${workload.name.padEnd(9)} ${name.padEnd(26)} ${stats.requestsPerSecond.toFixed(0).padStart(6)} req/s (rounds ${rounds})  p99 ${stats.latencyP99Ms} ms  ${stats.serverCpuMicrosPerRequest.toFixed(1)} µs CPU/req`)
  }
}

/** The cold workload's tokens: sized from this run's req/s so far (the fastest round, an upper bound), with headroom. */
async function coldWorkload(list: readonly Contender[]): Promise<Workload> {
  const rateOf = (name: string) => {
    const earlier = ['overflow', 'distinct', 'reused'].map((workload) => runs.find((run) => run.variant === name && run.workload === workload)).find((run) => run !== undefined)
    return earlier === undefined ? settings.coldRate : Math.max(...earlier.roundsPerSecond)
  }
  const seconds = settings.replicas * settings.warmup + settings.rounds * settings.duration
  const need = settings.coldTokens ?? tokensNeeded({ rates: list.map((contender) => rateOf(contender.name)), seconds, headroom: settings.coldHeadroom, step: 25_000 })
  const singleUse = new SingleUseTokens((await pool(coldFrom + need)).slice(coldFrom))
  console.log(`cold: ${singleUse.remaining} single-use tokens for ${list.length} servers × ${seconds} s (estimated need ${need})`)
  return { name: 'cold', description: coldDescription, tokens: [], singleUse }
}

let coldTokensUsed = 0
let signatureEngine = 'unknown'
try {
  const sanity = benchSanityTokens(key.privateJwk)
  for (const variant of variants) {
    // Listed before any of its processes starts, so that `finally` stops every started one, a failed check included.
    const servers: ServerProcess[] = []
    contenders.push({ name: variant.name, servers, caches: variant.kind === 'tokenguard' || variant.kind === 'control' })
    for (let replica = 0; replica < settings.replicas; replica++) {
      const server = await startServerProcess(variant.name, config)
      servers.push(server)
      await checkVariant(server.url, checksTokens(variant.kind), sanity)
    }
  }
  signatureEngine = [...new Set(contenders.flatMap((contender) => contender.servers.map((server) => server.engine)))].join(', ')
  console.log(`tokenguard signature engine in the server processes: ${signatureEngine}`)
  console.log(`${contenders.length} variants up (${settings.replicas} process(es) each), every process checked (good token 200; no token, foreign key, wrong audience 401; missing scope 403)\n`)
  for (const workload of workloads) await measure(contenders, workload)
  const checking = contenders.filter((contender) => checksTokens(variantNamed(contender.name).kind))
  if (wanted('cold') && checking.length > 0) {
    const cold = await coldWorkload(checking)
    workloads.push(cold)
    await measure(checking, cold)
    coldTokensUsed = cold.singleUse!.used
    const requests = runs.filter((run) => run.workload === 'cold').reduce((total, run) => total + run.requests, 0)
    console.log(`cold: ${coldTokensUsed} tokens handed out, each once, for ${requests} measured requests (and the warm-ups)`)
  }
} finally {
  await stopContenders(contenders)
  await keyServer.close()
}

const result: LoadResult = {
  kind: 'load',
  startedAt,
  machine,
  signatureEngine,
  settings: { duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, connections: settings.connections, replicas: settings.replicas, serverFlags: serverFlags() },
  workloads: workloads.map((workload) => ({ name: workload.name, description: workload.description, tokens: workload.singleUse === undefined ? workload.tokens.length : coldTokensUsed })),
  runs,
}
const saved = await saveResult('load', result)
console.log(`\n${loadTextTable(result)}\n`)
console.log(`tokenguard ÷ other, median of the per-round req/s ratios [lowest–highest round] (in parentheses: ratio of server CPU per request; tokenguard's server CPU µs per request above the other); the A/A rows are tokenguard's server against itself in a second process\n${issueTextTable(result)}\n`)
for (const run of faultyRuns(result)) console.log(`WARNING: ${run.variant} / ${run.workload}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`)
console.log(`${targetsTable(loadTargets(result))}\n`)
console.log(`markdown:\n\n${loadMarkdownTable(result)}\n`)
console.log(`saved ${saved}`)
