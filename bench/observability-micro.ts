/**
 * The per-decision cost of observability, in process (`npm run bench:observability:micro`), and the issue's
 * question: is `telemetry: { api }` with no SDK registered within 3 % of no observability at all? `decide()`
 * on a cached token (verified-token cache hit), on a full check (`tokenCache: false`: signature and claims
 * every time) and on a request without a token, for: a verifier without observability, a second identical one
 * (the A/A control: what "the same code twice" differs by on this machine), `telemetry` without an SDK, the
 * SDKs registered, and an audit sink on top. Cases run interleaved in many rounds (order rotating, see
 * `micro/timing.ts`); each round gives a ratio per case against the first — of CPU time per decision (the
 * process's own, which another process holding the core does not inflate), and of wall time — and the median
 * of those ratios with its spread (quartiles, extremes) is reported. The A/A control's line is the noise floor.
 */
import diagnostics from 'node:diagnostics_channel'
import * as api from '@opentelemetry/api'
import { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } from '@opentelemetry/sdk-metrics'
import { createVerifier, DECISION_CHANNEL, type RequestView, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE } from '../test/support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../test/support/local-tokens.js'
import { timeGroup, type Timed } from './micro/timing.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { microSettings } from './support/settings.js'
import { fmt, markdownTable, textTable, type Row } from './support/table.js'

// Many short rounds rather than a few long ones: a ratio per round needs rounds, not length.
const rounds = process.env.BENCH_MICRO_ROUNDS === undefined ? 80 : microSettings.rounds
const roundMs = process.env.BENCH_MICRO_ROUND_MS === undefined ? 50 : microSettings.roundMs
const GOAL = 0.03

const key = await generateSigningKey('ES256', 'micro')
const token = await signToken(key, {})
const base: VerifierOptions = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } }
let sink = 0

interface Variant { name: string; make: (options: VerifierOptions) => Verifier }
const REFERENCE = 'no observability'
const CONTROL = 'no observability again (A/A control)'
const NO_SDK = 'telemetry: { api }, no SDK'
// Made before any SDK is registered: their meter is the no-op one, as in an application without OpenTelemetry.
const beforeSdk: Variant[] = [
  { name: REFERENCE, make: (options) => createVerifier(options) },
  { name: CONTROL, make: (options) => createVerifier(options) },
  { name: NO_SDK, make: (options) => createVerifier({ ...options, telemetry: { api } }) },
]
const afterSdk: Variant[] = [
  { name: 'metrics SDK registered', make: (options) => createVerifier({ ...options, telemetry: { api } }) },
  { name: 'SDK + audit sink', make: (options) => createVerifier({ ...options, telemetry: { api }, audit: (event) => void (sink += event.durationMs > 0 ? 1 : 0) }) },
]
const paths = [
  { label: 'cached token, accepted', options: base, request: { method: 'GET', url: '/data', headers: { authorization: `Bearer ${token}` }, route: '/data', remoteAddress: '127.0.0.1' } },
  { label: 'full check (tokenCache: false), accepted', options: { ...base, tokenCache: false as const }, request: { method: 'GET', url: '/data', headers: { authorization: `Bearer ${token}` }, route: '/data', remoteAddress: '127.0.0.1' } },
  { label: 'no token, refused', options: base, request: { method: 'GET', url: '/data', headers: {}, route: '/data' } },
] satisfies Array<{ label: string; options: VerifierOptions; request: RequestView }>

const made = paths.map((path) => beforeSdk.map((variant): [string, Verifier] => [variant.name, variant.make(path.options)]))
const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })
api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
paths.forEach((path, index) => made[index]!.push(...afterSdk.map((variant): [string, Verifier] => [variant.name, variant.make(path.options)])))

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!
const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5)
/** Per-round ratios of `timed` against `reference` (> 1: slower), of CPU time or of wall time, summarised. */
function ratios(timed: Timed, reference: Timed, clock: 'cpu' | 'wall' = 'cpu') {
  const of = (result: Timed) => (clock === 'cpu' ? result.cpuSamples : result.samples)
  const sorted = of(timed).map((sample, round) => sample / of(reference)[round]!).sort((a, b) => a - b)
  // A distribution-free 95 % interval of the median: the order statistics n/2 ± 1.96·√n/2 (binomial, normal approximation).
  const reach = 0.98 * Math.sqrt(sorted.length)
  const low = sorted[Math.max(0, Math.floor(sorted.length / 2 - reach))]!
  const high = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length / 2 + reach) - 1)]!
  return { median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), min: sorted[0]!, max: sorted.at(-1)!, low, high }
}
const pct = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${fmt(Math.abs(ratio - 1) * 100, 1)} %`

const header: Row = ['path', 'verifier', 'CPU ns/decision', 'median ratio (CPU)', '95 % interval of the median', 'quartiles (CPU)', 'extremes (CPU)', 'median ratio (wall)', 'quartiles (wall)']
const rows: Row[] = []
const verdicts: string[] = []
async function measure(label: string, request: RequestView, group: Array<[string, Verifier]>): Promise<void> {
  const cases = group.map(([name, verifier]): [string, () => unknown] => {
    const compiled = verifier.requirement({ scopes: ['read:data'] })
    return [name, () => verifier.decide(request, compiled)]
  })
  for (const [, operation] of cases) await operation() // into each cache (and the outcome is the expected one)
  const timed = await timeGroup(cases, roundMs, rounds)
  const reference = timed[0]!
  for (const result of timed) {
    const cpuNs = fmt(median(result.cpuSamples) * 1000, 0)
    if (result === reference) {
      rows.push([label, result.name, cpuNs, '—', '—', '—', '—', '—', '—'])
      continue
    }
    const r = ratios(result, reference)
    const w = ratios(result, reference, 'wall')
    rows.push([label, result.name, cpuNs, pct(r.median), `${pct(r.low)} … ${pct(r.high)}`, `${pct(r.q1)} … ${pct(r.q3)}`, `${pct(r.min)} … ${pct(r.max)}`, pct(w.median), `${pct(w.q1)} … ${pct(w.q3)}`])
  }
  const byName = new Map(timed.map((result) => [result.name, result]))
  if (byName.has(NO_SDK) && byName.has(CONTROL)) {
    const goal = ratios(byName.get(NO_SDK)!, reference)
    const control = ratios(byName.get(CONTROL)!, reference)
    const verdict = goal.low >= 1 - GOAL && goal.high <= 1 + GOAL ? 'within 3 %: the whole interval is' : Math.abs(goal.median - 1) <= GOAL ? 'median within 3 %, the interval not wholly' : 'NOT within 3 %'
    verdicts.push(`${label}: no SDK ${pct(goal.median)} CPU (95 % interval ${pct(goal.low)} … ${pct(goal.high)}), A/A control ${pct(control.median)} (${pct(control.low)} … ${pct(control.high)}) — ${verdict}`)
  }
}

console.log(`observability micro-benchmark on ${describeMachine(machineInfo())}`)
console.log(`${rounds} interleaved rounds of ~${roundMs} ms per case; ratios are per round, against "${REFERENCE}" of the same round\n`)
for (const [index, path] of paths.entries()) await measure(path.label, path.request, made[index]!)
// A channel subscriber is process-wide (every verifier then publishes): measured after the rest, against the A/A pair.
const listener = () => void sink++
diagnostics.subscribe(DECISION_CHANNEL, listener)
await measure(`${paths[0]!.label}, a tokenguard:decision subscriber`, paths[0]!.request, made[0]!.slice(0, 1))
diagnostics.unsubscribe(DECISION_CHANNEL, listener)

console.log(textTable(header, rows))
console.log(`\nratio: this case's time per decision ÷ "${REFERENCE}"'s in the same round (+ is slower); median, quartiles and extremes over the rounds`)
for (const verdict of verdicts) console.log(verdict)
console.log(`\nmarkdown:\n\n${markdownTable(header, rows)}\n\n(events received: ${sink > 0 ? 'yes' : 'no'})`)
