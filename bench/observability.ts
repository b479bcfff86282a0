/**
 * The cost of observability (`npm run bench:observability`): tokenguard without it against the same server
 * with `telemetry: { api }` and no SDK registered (the goal: within 3 %), with the metrics and tracing SDKs
 * registered, and with an audit sink and a `tokenguard:decision` subscriber on top. Each variant is its own
 * server process, loaded by autocannon from this one over 127.0.0.1, in interleaved rounds (see
 * `load/rounds.ts`), per framework; the ratios compare variants of the same run. The uninstrumented server
 * runs twice (`-again`, an A/A control): what two identical servers differ by is the run's noise floor, printed
 * beside the goal's ratio. Each round gives a ratio per variant; the median of them (and their quartiles) is
 * the figure, as whole-run totals let one noisy round decide. `BENCH_ROUNDS=10` or more for a usable spread.
 */
import { generateSigningKey, startKeyServer, TEST_AUDIENCE } from '../test/support/key-server.js'
import type { Workload } from './load/autocannon-run.js'
import { measureRounds, stopContenders, type Contender, type Measured } from './load/rounds.js'
import { checkVariant, sanityTokens } from './load/sanity.js'
import { startServerProcess } from './load/server-process.js'
import { mintTokens } from './load/tokens.js'
import { INSTRUMENTED_VARIANTS, variantNamed, type IssuerConfig } from './load/variants.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { loadSettings as settings } from './support/settings.js'
import { fmt, markdownTable, ratio, textTable, type Row } from './support/table.js'

const GOAL = 0.97
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.round(q * (values.length - 1))]!
const median = (values: number[]) => quantile(values, 0.5)
const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`observability benchmark on ${describeMachine(machine)}`)
console.log(`${settings.connections} connections; per variant and workload ${settings.warmup} s warm-up, then ${settings.rounds} interleaved rounds of ${settings.duration} s\n`)

const keyServer = await startKeyServer({ keys: [await generateSigningKey('RS256', 'bench-rs256')] })
const config: IssuerConfig = { issuer: keyServer.issuer, jwksUri: keyServer.jwksUri, audience: TEST_AUDIENCE }
const distinct = Math.min(settings.distinctTokens, 2000)
const pool = await mintTokens(keyServer, distinct)
const workloads: Workload[] = [
  { name: 'reused', description: 'one token for every request (verified-token cache hits)', tokens: pool.slice(0, 1) },
  { name: 'distinct', description: `${distinct} distinct tokens, round-robin (cache hits after the first pass)`, tokens: pool },
].filter((workload) => settings.workloads?.includes(workload.name) ?? true)
const sanity = await sanityTokens(keyServer, await generateSigningKey('RS256', 'foreign'))
const frameworks = (['fastify', 'express'] as const).filter((framework) => settings.variants?.some((name) => name.startsWith(framework)) ?? true)

interface Comparison { framework: string; workload: string; variant: string; label: string; rps: number; rpsRatio: number; medianRoundRatio: number; roundRatioQuartiles: [number, number]; cpuPerRequest: number; cpuRatio: number; rounds: number[] }
const comparisons: Comparison[] = []
const runs: Array<Measured & { workload: string }> = []
try {
  for (const framework of frameworks) {
    const names = [`${framework}-tokenguard`, `${framework}-tokenguard-again`, ...INSTRUMENTED_VARIANTS.filter((variant) => variant.framework === framework).map((variant) => variant.name)]
    const contenders: Contender[] = []
    try {
      for (const name of names) {
        const server = await startServerProcess(name, config)
        contenders.push({ name, servers: [server] })
        await checkVariant(server.url, true, sanity)
      }
      for (const workload of workloads) {
        const measured = await measureRounds(contenders, workload, { connections: settings.connections, warmup: settings.warmup, duration: settings.duration, rounds: settings.rounds })
        const base = measured.find((run) => run.name === `${framework}-tokenguard`)!
        for (const run of measured) {
          runs.push({ ...run, workload: workload.name })
          const roundRatios = run.roundsPerSecond.map((value, round) => value / base.roundsPerSecond[round]!)
          const comparison: Comparison = {
            framework, workload: workload.name, variant: run.name, label: variantNamed(run.name).label, rps: run.requestsPerSecond, rpsRatio: run.requestsPerSecond / base.requestsPerSecond,
            // Each round runs every variant back to back: the median of the per-round ratios shrugs off a burst of load from elsewhere.
            medianRoundRatio: median(roundRatios),
            roundRatioQuartiles: [quantile(roundRatios, 0.25), quantile(roundRatios, 0.75)],
            cpuPerRequest: run.serverCpuMicrosPerRequest, cpuRatio: base.serverCpuMicrosPerRequest / run.serverCpuMicrosPerRequest, rounds: run.roundsPerSecond,
          }
          comparisons.push(comparison)
          const faults = run.non2xx + run.errors + run.timeouts
          console.log(`${workload.name.padEnd(9)} ${run.name.padEnd(30)} ${fmt(run.requestsPerSecond).padStart(7)} req/s (÷ base ${ratio(comparison.rpsRatio)}, median of rounds ${ratio(comparison.medianRoundRatio)})  ${fmt(run.serverCpuMicrosPerRequest, 1)} µs CPU/req (base ÷ this ${ratio(comparison.cpuRatio)})${faults > 0 ? `  WARNING ${faults} faults` : ''}`)
        }
      }
    } finally {
      await stopContenders(contenders)
    }
  }
} finally {
  await keyServer.close()
}

const header: Row = ['framework', 'workload', 'variant', 'req/s', '÷ uninstrumented (req/s)', 'median of round ratios', 'quartiles of round ratios', 'server CPU µs/req', 'uninstrumented ÷ this (CPU)']
const dash = (c: Comparison, value: string) => (c.variant.endsWith('-tokenguard') ? '—' : value)
const quartiles = (c: Comparison) => `${ratio(c.roundRatioQuartiles[0])} … ${ratio(c.roundRatioQuartiles[1])}`
const rows: Row[] = comparisons.map((c) => [c.framework, c.workload, c.label, fmt(c.rps), dash(c, ratio(c.rpsRatio)), dash(c, ratio(c.medianRoundRatio)), dash(c, quartiles(c)), fmt(c.cpuPerRequest, 1), dash(c, ratio(c.cpuRatio))])
const goal = comparisons.filter((c) => c.variant.endsWith('-otel'))
const control = (c: Comparison) => comparisons.find((other) => other.framework === c.framework && other.workload === c.workload && other.variant.endsWith('-again'))
const verdicts = goal.map((c) => {
  const aa = control(c)
  const noise = aa === undefined ? '' : `; A/A control (the same server twice) median of rounds ${ratio(aa.medianRoundRatio)} (quartiles ${quartiles(aa)}), ${ratio(aa.cpuRatio)} by CPU/req`
  // Judged on the median of per-round ratios: whole-run req/s lets one noisy round decide.
  // Two identical servers whose round ratios spread wider than the goal: this run cannot tell 3 % from noise.
  const resolvable = aa === undefined || (aa.roundRatioQuartiles[0] >= GOAL && aa.roundRatioQuartiles[1] <= 2 - GOAL)
  const verdict = !resolvable ? 'cannot be told from noise in this run (the A/A quartiles are wider than 3 %)' : c.medianRoundRatio >= GOAL ? 'met' : 'NOT MET'
  return `${c.framework} ${c.workload}: telemetry, no SDK ÷ uninstrumented = median of rounds ${ratio(c.medianRoundRatio)} (quartiles ${quartiles(c)}; whole run ${ratio(c.rpsRatio)} req/s), ${ratio(c.cpuRatio)} by CPU/req${noise} — ${verdict} (goal: ≥ ${GOAL})`
})
const saved = await saveResult('observability', { kind: 'observability', startedAt, machine, settings: { duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, connections: settings.connections }, workloads: workloads.map(({ name, description, tokens }) => ({ name, description, tokens: tokens.length })), runs, comparisons })
console.log(`\n${textTable(header, rows)}\n`)
for (const verdict of verdicts) console.log(verdict)
console.log(`\nmarkdown:\n\n${markdownTable(header, rows)}\n`)
console.log(`saved ${saved}`)
