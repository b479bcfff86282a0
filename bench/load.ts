/**
 * Load benchmark (`npm run bench:load`): a key server (RS256) runs in this process; each server variant
 * runs in its own process and is loaded by autocannon from this one, on 127.0.0.1, for fixed durations,
 * in rounds interleaved across the variants (see `load/rounds.ts`).
 *
 * Workloads, on one token set:
 * - reused: one token for every request (a machine-to-machine client);
 * - distinct: a pool of `BENCH_TOKENS` (5000) tokens, round-robin; all of them fit in tokenguard's
 *   default cache;
 * - overflow: `BENCH_OVERFLOW_TOKENS` (12000) tokens, round-robin: more than tokenguard's default
 *   cache (10000) holds, so with LRU eviction every request is a miss and pays the full signature check.
 */
import { generateSigningKey, startKeyServer, TEST_AUDIENCE } from '../test/support/key-server.js'
import type { Workload } from './load/autocannon-run.js'
import { ratioTextTable } from './load/ratios.js'
import { faultyRuns, loadMarkdownTable, loadTextTable, type LoadResult, type LoadRun } from './load/report.js'
import { measureRounds, type Contender } from './load/rounds.js'
import { checkVariant, sanityTokens } from './load/sanity.js'
import { startServerProcess } from './load/server-process.js'
import { mintTokens } from './load/tokens.js'
import { variantNamed, VARIANTS, type IssuerConfig } from './load/variants.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { loadSettings as settings } from './support/settings.js'
import { loadTargets, targetsTable } from './targets.js'

const variants = (settings.variants ?? VARIANTS.map((variant) => variant.name)).map(variantNamed)
const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`load benchmark on ${describeMachine(machine)}`)
console.log(`${settings.connections} connections; per variant and workload ${settings.warmup} s warm-up, then ${settings.rounds} interleaved rounds of ${settings.duration} s\n`)

const keyServer = await startKeyServer({ keys: [await generateSigningKey('RS256', 'bench-rs256')] })
const config: IssuerConfig = { issuer: keyServer.issuer, jwksUri: keyServer.jwksUri, audience: TEST_AUDIENCE }
const specs = [
  { name: 'reused', description: 'one token for every request', size: 1 },
  { name: 'distinct', description: `${settings.distinctTokens} distinct tokens, round-robin (all fit in the token cache; the warm-up walks the pool at least twice, since a token is stored on its second sighting)`, size: settings.distinctTokens, warmupPasses: 2 },
  { name: 'overflow', description: `${settings.overflowTokens} distinct tokens, round-robin (more than the default cache of 10000 holds: the cold path; with LRU alone every request missed, admission keeps a stable subset once each token has been seen a few times)`, size: settings.overflowTokens },
].filter((spec) => settings.workloads?.includes(spec.name) ?? true)
const mintStarted = performance.now()
const pool = await mintTokens(keyServer, Math.max(...specs.map((spec) => spec.size)))
console.log(`minted ${pool.length} RS256 tokens in ${((performance.now() - mintStarted) / 1000).toFixed(1)} s`)
const sanity = await sanityTokens(keyServer, await generateSigningKey('RS256', 'foreign'))
const workloads: Workload[] = specs.map(({ size, ...spec }) => ({ ...spec, tokens: pool.slice(0, size) }))

const runs: LoadRun[] = []
const contenders: Contender[] = []
try {
  for (const variant of variants) {
    const server = await startServerProcess(variant.name, config)
    contenders.push({ name: variant.name, server })
    await checkVariant(server.url, variant.kind === 'tokenguard' || variant.kind === 'peer' || variant.kind === 'signature', sanity)
  }
  console.log(`${contenders.length} servers up, each checked (good token 200; no token, foreign key, wrong audience 401; missing scope 403)\n`)
  for (const workload of workloads) {
    const measured = await measureRounds(contenders, workload, {
      connections: settings.connections,
      warmup: settings.warmup,
      duration: settings.duration,
      rounds: settings.rounds,
    })
    for (const { name, ...stats } of measured) {
      runs.push({ variant: name, workload: workload.name, ...stats })
      const rounds = stats.roundsPerSecond.map((value) => value.toFixed(0)).join('/')
      console.log(`${workload.name.padEnd(9)} ${name.padEnd(26)} ${stats.requestsPerSecond.toFixed(0).padStart(6)} req/s (rounds ${rounds})  p99 ${stats.latencyP99Ms} ms  ${stats.serverCpuMicrosPerRequest.toFixed(1)} µs CPU/req`)
    }
  }
} finally {
  await Promise.all(contenders.map((contender) => contender.server.stop()))
  await keyServer.close()
}

const result: LoadResult = {
  kind: 'load',
  startedAt,
  machine,
  settings: { duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, connections: settings.connections },
  workloads: workloads.map((workload) => ({ name: workload.name, description: workload.description, tokens: workload.tokens.length })),
  runs,
}
const saved = await saveResult('load', result)
console.log(`\n${loadTextTable(result)}\n`)
console.log(`tokenguard ÷ other, median of the per-round ratios (CPU: server CPU/req ratio; µs/req: server CPU per request above the other)\n${ratioTextTable(result)}\n`)
for (const run of faultyRuns(result)) console.log(`WARNING: ${run.variant} / ${run.workload}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`)
console.log(`${targetsTable(loadTargets(result))}\n`)
console.log(`markdown:\n\n${loadMarkdownTable(result)}\n`)
console.log(`saved ${saved}`)
