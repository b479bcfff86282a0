/**
 * The guide's alerts as detectors fed synthetic decision events on a simulated clock (no waiting): refusal
 * spikes overall and per client, a client seen from a network it has not used, and — with a flood of
 * distinct client ids and addresses — memory that stays bounded whatever the traffic.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createVerifier, newNetworkDetector, refusalSpikeDetector, type DecisionEvent, type NewNetworkAlert, type RefusalSpikeAlert } from '@tokenguard/core'
import { LOCAL_ISSUER, signToken, TEST_SECRET } from '../support/local-tokens.js'

const NO_SCOPES = { all: [], any: [] }

function event(init: Partial<DecisionEvent>): DecisionEvent {
  return {
    time: 0, outcome: 'accepted', status: undefined, reason: undefined, check: 'full', durationMs: 1, verified: true,
    iss: LOCAL_ISSUER, client_id: 'client-a', sub: 'user', kid: undefined, jti: undefined, scopesRequired: NO_SCOPES, scopesGranted: [],
    route: '/items/:id', method: 'GET', remoteAddress: '203.0.113.7', userAgent: undefined, ...init,
  }
}
const refusal = (clientId: string | undefined, status = 401): DecisionEvent =>
  event({ outcome: 'refused', status, reason: 'signature_invalid', verified: false, client_id: clientId, scopesGranted: undefined })

/** A clock the test moves. */
function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('refusal spike detector', () => {
  test('overall: quiet windows set the baseline; a window at 3× it and above the floor alerts, once', () => {
    const time = clock()
    const alerts: RefusalSpikeAlert[] = []
    const detect = refusalSpikeDetector({ onAlert: (alert) => void alerts.push(alert), now: time.now, windowDuration: '1m', minRefusals: 30, perClient: false })
    for (let window = 0; window < 5; window++) {
      for (let i = 0; i < 20; i++) detect(refusal(undefined))
      time.advance(60_000)
    }
    assert.equal(alerts.length, 0, '20 a minute is the normal rate, below the floor anyway')
    for (let i = 0; i < 59; i++) detect(refusal(undefined))
    assert.equal(alerts.length, 0, '59 < 3 × the baseline of 20')
    for (let i = 0; i < 100; i++) detect(refusal(undefined))
    assert.equal(alerts.length, 1, 'one alert per window')
    const [alert] = alerts
    assert.equal(alert!.scope, 'overall')
    assert.ok(alert!.refusals >= 3 * alert!.baseline && alert!.refusals >= 30, `${alert!.refusals} vs baseline ${alert!.baseline}`)
    assert.equal(alert!.baseline, 20)
    assert.equal(alert!.refusals, 60, 'the refusal that reached 3 × 20')
    assert.equal(alert!.windowMs, 60_000)
  })

  test('outages (503) and accepted requests are not failed attempts', () => {
    const time = clock()
    const alerts: RefusalSpikeAlert[] = []
    const detect = refusalSpikeDetector({ onAlert: (alert) => void alerts.push(alert), now: time.now, minRefusals: 5, learningWindows: 0 })
    for (let i = 0; i < 1000; i++) {
      detect(refusal('client-a', 503))
      detect(event({}))
    }
    assert.equal(alerts.length, 0)
  })

  test('per client: one client\'s burst alerts with its id while the overall rate stays normal', () => {
    const time = clock()
    const alerts: RefusalSpikeAlert[] = []
    const detect = refusalSpikeDetector({ onAlert: (alert) => void alerts.push(alert), now: time.now, minRefusals: 1000, minClientRefusals: 10 })
    for (let window = 0; window < 3; window++) {
      for (let client = 0; client < 50; client++) detect(refusal(`client-${client}`))
      time.advance(60_000)
    }
    for (let i = 0; i < 30; i++) detect(refusal('client-7'))
    assert.equal(alerts.length, 1)
    assert.equal(alerts[0]!.scope, 'client')
    assert.equal(alerts[0]!.clientId, 'client-7')
    assert.ok(alerts[0]!.refusals >= 10)
  })

  test('a flood of distinct client ids: fixed memory, and at most a bounded number of client alerts per window', () => {
    const time = clock()
    let clientAlerts = 0
    const detect = refusalSpikeDetector({ onAlert: (alert) => void (alert.scope === 'client' && clientAlerts++), now: time.now, minClientRefusals: 2, learningWindows: 0 })
    const bytes = detect.stateBytes
    for (let i = 0; i < 500_000; i++) detect(refusal(`invented-${i}`))
    assert.equal(detect.stateBytes, bytes)
    assert.ok(bytes <= 256 * 1024, `${bytes} bytes`)
    assert.ok(clientAlerts <= 100, `${clientAlerts} client alerts in one window`)
  })

  test('options are checked', () => {
    assert.throws(() => refusalSpikeDetector({} as never), /"onAlert" of refusalSpikeDetector\(\) must be a function/)
    assert.throws(() => refusalSpikeDetector({ onAlert: () => undefined, factor: 1 }), /"factor" must be a number above 1/)
    assert.throws(() => refusalSpikeDetector({ onAlert: () => undefined, windowDuration: 10 }), /windowDuration/)
    assert.throws(() => refusalSpikeDetector({ onAlert: () => undefined, minRefusal: 3 } as never), /did you mean "minRefusals"/)
  })
})

describe('new network detector', () => {
  test('a client seen from a new /24 alerts; the same /24 and a first sighting do not', () => {
    const alerts: NewNetworkAlert[] = []
    const detect = newNetworkDetector({ onAlert: (alert) => void alerts.push(alert) })
    detect(event({ remoteAddress: '203.0.113.7' }))
    detect(event({ remoteAddress: '203.0.113.200' }))
    detect(event({ remoteAddress: '::ffff:203.0.113.9' }))
    assert.equal(alerts.length, 0)
    detect(event({ remoteAddress: '198.51.100.4', route: '/admin' }))
    assert.equal(alerts.length, 1)
    assert.deepEqual({ ...alerts[0], time: 0 }, { type: 'new_network', clientId: 'client-a', network: '198.51.100.0/24', remoteAddress: '198.51.100.4', knownNetworks: ['203.0.113.0/24'], route: '/admin', time: 0 })
    detect(event({ remoteAddress: '198.51.100.5' }))
    detect(event({ remoteAddress: '203.0.113.1' }))
    assert.equal(alerts.length, 1, 'both networks are known now')
  })

  test('IPv6 by /48; refusals and unverified tokens teach nothing', () => {
    const alerts: NewNetworkAlert[] = []
    const detect = newNetworkDetector({ onAlert: (alert) => void alerts.push(alert) })
    detect(event({ client_id: 'v6', remoteAddress: '2001:db8:1:2::10' }))
    detect(event({ client_id: 'v6', remoteAddress: '2001:0db8:0001:ffff::1%eth0' }))
    detect(refusal('v6'))
    detect(event({ client_id: 'v6', remoteAddress: '2001:db8:99::1', verified: false }))
    assert.equal(alerts.length, 0)
    detect(event({ client_id: 'v6', remoteAddress: '2001:db8:2::1' }))
    assert.deepEqual(alerts.map((alert) => [alert.network, alert.knownNetworks]), [['2001:db8:2::/48', ['2001:db8:1::/48']]])
    detect(event({ client_id: 'v6', remoteAddress: 'not-an-address' }))
    detect(event({ client_id: 'v6', remoteAddress: undefined }))
    assert.equal(alerts.length, 1)
  })

  test('a flood of distinct client ids and addresses: clients and networks stay within their bounds, and so does the heap', (t) => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const detect = newNetworkDetector({ onAlert: () => undefined, maxClients: 1000, maxNetworksPerClient: 4 })
    const address = (i: number) => `${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}.1`
    const flood = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        detect(event({ client_id: `client-${i % 50_000}`, remoteAddress: address(i) }))
        detect(event({ client_id: `client-${i % 7}`, remoteAddress: address(i * 31) }))
      }
    }
    flood(0, 50_000)
    gc()
    const settled = process.memoryUsage().heapUsed
    flood(50_000, 250_000)
    gc()
    const grown = process.memoryUsage().heapUsed - settled
    const { clients, networks } = detect.size()
    assert.ok(clients <= 1000, `${clients} clients`)
    assert.ok(networks <= 4000, `${networks} networks`)
    t.diagnostic(`heap growth ${(grown / 2 ** 20).toFixed(2)} MiB, ${clients} clients, ${networks} networks`)
    assert.ok(grown < 8 * 2 ** 20, `the heap grew by ${(grown / 2 ** 20).toFixed(1)} MiB over 500 000 more events`)
  })

  test('as an audit sink of a verifier: accepted tokens from two networks', async () => {
    const alerts: NewNetworkAlert[] = []
    const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: 'https://api.tokenguard.test', secret: TEST_SECRET, audit: newNetworkDetector({ onAlert: (alert) => void alerts.push(alert) }) })
    const token = await signToken(TEST_SECRET, { client_id: 'svc' })
    const request = (remoteAddress: string) => ({ headers: { authorization: `Bearer ${token}` }, remoteAddress })
    await verifier.decide(request('192.0.2.10'))
    await verifier.decide(request('192.0.2.11'))
    await verifier.decide(request('10.1.2.3'))
    assert.deepEqual(alerts.map((alert) => [alert.clientId, alert.network]), [['svc', '10.1.2.0/24']])
  })
})
