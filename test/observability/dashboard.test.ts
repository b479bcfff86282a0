/**
 * The example Grafana dashboard queries only series tokenguard makes: the instruments are read from the real
 * metrics SDK after a verifier and a token client did some work, and mapped to their Prometheus names the
 * way the OpenTelemetry Collector's Prometheus exporter writes them.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { createTokenClient } from '@tokenguard/client'
import { createVerifier } from '@tokenguard/core'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { registerTelemetry, type TestTelemetry } from '../support/telemetry.js'

let telemetry: TestTelemetry
let keys: KeyServer
let as: AuthServer

before(async () => {
  telemetry = registerTelemetry()
  keys = await startKeyServer()
  as = await startAuthServer()
})
after(async () => {
  await Promise.all([keys.close(), as.close()])
  await telemetry.shutdown()
})

const dashboard = JSON.parse(readFileSync(new URL('../../../examples/observability/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> }

function prometheusNames(name: string, unit: string, kind: 'counter' | 'histogram' | 'gauge'): string[] {
  const base = `${name.replace(/\./g, '_')}${unit === 's' ? '_seconds' : ''}`
  if (kind === 'counter') return [`${base}_total`]
  if (kind === 'histogram') return [`${base}_bucket`, `${base}_sum`, `${base}_count`]
  return [base]
}

test('every series the dashboard queries is one tokenguard records', async () => {
  const verifier = createVerifier({ issuer: keys.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, telemetry: { api: telemetry.api } })
  const token = await keys.mint()
  await verifier.decide({ headers: { authorization: `Bearer ${token}` } })
  await verifier.decide({ headers: { authorization: `Bearer ${token}` } })
  const client = createTokenClient({ tokenEndpoint: as.tokenEndpoint, allowInsecureHttp: true, clientId: as.clients.readOnly.id, clientSecret: as.clients.readOnly.secret, telemetry: { api: telemetry.api } })
  await client.getToken()

  const points = await telemetry.collect()
  const made = new Set(points.flatMap((point) => prometheusNames(point.name, point.unit, point.histogram !== undefined ? 'histogram' : kindOf(point.name))))
  const queried = new Set(dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => target.expr.match(/\btokenguard_[a-z_]+/g) ?? []))
  assert.ok(queried.size >= 8, `the dashboard queries ${queried.size} series`)
  assert.deepEqual([...queried].filter((name) => !made.has(name)), [])
  assert.ok(dashboard.panels.every((panel) => panel.type === 'row' || (panel.targets?.length ?? 0) > 0), 'no empty panel')
})

// Counters and gauges look alike in a data point: the instrument names say which is which.
function kindOf(name: string): 'counter' | 'gauge' {
  return /\.(age|size)$/.test(name) ? 'gauge' : 'counter'
}
