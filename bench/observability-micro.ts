/**
 * The per-decision cost of observability, in process (`npm run bench:observability:micro`): `decide()` on a
 * cached token and on a request without one, for a verifier without observability, with `telemetry: { api }`
 * and no SDK registered, with the SDKs registered, and with an audit sink and a channel subscriber on top.
 * Cases are timed in interleaved rounds (see `micro/timing.ts`); the median round is reported.
 */
import diagnostics from 'node:diagnostics_channel'
import * as api from '@opentelemetry/api'
import { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } from '@opentelemetry/sdk-metrics'
import { createVerifier, DECISION_CHANNEL, type RequestView, type Verifier } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE } from '../test/support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../test/support/local-tokens.js'
import { timeGroup } from './micro/timing.js'
import { microSettings } from './support/settings.js'
import { fmt, textTable } from './support/table.js'

const key = await generateSigningKey('ES256', 'micro')
const token = await signToken(key, {})
const base = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } }
const requirement = { scopes: ['read:data'] }
let sink = 0

// Made before any SDK is registered: its meter is the no-op one, as in an application without OpenTelemetry.
const plain = createVerifier(base)
const noSdk = createVerifier({ ...base, telemetry: { api } })
const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })
api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
const withSdk = createVerifier({ ...base, telemetry: { api } })
const observed = createVerifier({ ...base, telemetry: { api }, audit: (event) => void (sink += event.durationMs > 0 ? 1 : 0) })

const verifiers: Array<[string, Verifier]> = [['no observability', plain], ['telemetry, no SDK', noSdk], ['telemetry, SDK registered', withSdk], ['SDK + audit sink', observed]]
const view: RequestView = { method: 'GET', url: '/data', headers: { authorization: `Bearer ${token}` }, route: '/data', remoteAddress: '127.0.0.1' }
const anonymous: RequestView = { method: 'GET', url: '/data', headers: {}, route: '/data' }
for (const [, verifier] of verifiers) await verifier.decide(view, verifier.requirement(requirement)) // into each cache

const rows: string[][] = []
const requests = [['cached token, accepted', view], ['no token, refused', anonymous]] as const
const references = new Map<string, number>()
async function measure(group: Array<[string, Verifier]>): Promise<void> {
  for (const [label, request] of requests) {
    const cases = group.map(([name, verifier]): [string, () => unknown] => {
      const compiled = verifier.requirement(requirement)
      return [name, () => verifier.decide(request, compiled)]
    })
    const timed = await timeGroup(cases, microSettings.roundMs, microSettings.rounds)
    if (!references.has(label)) references.set(label, timed[0]!.microsPerOp)
    const reference = references.get(label)!
    for (const result of timed) rows.push([label, result.name, fmt(result.microsPerOp * 1000, 0), result.microsPerOp === reference ? '—' : `${fmt((result.microsPerOp - reference) * 1000, 0)} ns`, fmt(reference / result.microsPerOp, 3)])
  }
}
await measure(verifiers)
// A channel subscriber is process-wide (every verifier then publishes): measured after the rest, not interleaved with it.
const listener = () => void sink++
diagnostics.subscribe(DECISION_CHANNEL, listener)
await measure([['no observability, but a tokenguard:decision subscriber', plain]])
diagnostics.unsubscribe(DECISION_CHANNEL, listener)

console.log(textTable(['case', 'verifier', 'ns/decision', 'added', 'uninstrumented ÷ this'], rows))
console.log(`\n(${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms; events received: ${sink > 0 ? 'yes' : 'no'})`)
