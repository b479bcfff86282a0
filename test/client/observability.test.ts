/**
 * The client's token requests through the real OpenTelemetry SDKs and the audit sink, against a real
 * authorization server (oidc-provider) on 127.0.0.1: count, latency and outcome, a span per request, one event
 * per request that never holds the token or the secret — and the token-request spike detector on a simulated
 * clock.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTokenClient, tokenRequestSpikeDetector, type TokenRequestEvent, type TokenRequestSpikeAlert } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { registerTelemetry, total, pointsOf, type TestTelemetry } from '../support/telemetry.js'

describe('client observability', () => {
  let as: AuthServer
  let telemetry: TestTelemetry

  before(async () => {
    telemetry = registerTelemetry()
    as = await startAuthServer()
  })
  after(async () => {
    await as.close()
    await telemetry.shutdown()
  })

  test('metrics, spans and audit events of token requests: success, forced refresh, failure', async () => {
    const events: TokenRequestEvent[] = []
    const options = { issuer: as.issuer, allowInsecureHttp: true, clientId: as.clients.readWrite.id, scope: 'read:data', telemetry: { api: telemetry.api }, audit: (event: TokenRequestEvent) => void events.push(event) }
    const client = createTokenClient({ ...options, clientSecret: as.clients.readWrite.secret })
    const token = await client.getToken()
    await client.getToken() // cached: no request
    await client.getToken({ forceRefresh: true })
    const wrong = createTokenClient({ ...options, clientSecret: 'not-the-secret', retry: false })
    await assert.rejects(wrong.getToken(), { code: 'invalid_client' })

    assert.deepEqual(events.map((event) => [event.outcome, event.cause, event.error]), [['success', 'cold', undefined], ['success', 'forced', undefined], ['failure', 'cold', 'invalid_client']])
    assert.equal(events[0]!.tokenEndpoint, as.tokenEndpoint)
    assert.equal(events[0]!.scope, 'read:data')
    assert.equal(events[2]!.status, 401)
    assert.ok(events.every((event) => event.durationMs > 0 && event.clientId === as.clients.readWrite.id))
    const text = JSON.stringify(events)
    assert.ok(!text.includes(token) && !text.includes(as.clients.readWrite.secret) && !text.includes('not-the-secret'))

    const points = await telemetry.collect()
    const id = as.clients.readWrite.id
    assert.equal(total(points, 'tokenguard.client.token_requests', { client_id: id, outcome: 'success', cause: 'cold' }), 1)
    assert.equal(total(points, 'tokenguard.client.token_requests', { client_id: id, outcome: 'success', cause: 'forced' }), 1)
    assert.equal(total(points, 'tokenguard.client.token_requests', { client_id: id, outcome: 'failure', error: 'invalid_client' }), 1)
    const [latency] = pointsOf(points, 'tokenguard.client.token_request.duration', { outcome: 'success' })
    assert.equal(latency?.unit, 's')
    assert.equal(latency?.histogram?.count, 2)

    const spans = telemetry.spans().filter((span) => span.name === 'tokenguard.client.token_request')
    assert.equal(spans.length, 3)
    assert.equal(spans[2]!.status.code, telemetry.api.SpanStatusCode.ERROR)
    assert.equal(spans[2]!.status.message, 'invalid_client')
    assert.equal(spans[0]!.instrumentationScope.name, '@tokenguard/client')
  })

  test('options are checked', () => {
    const base = { tokenEndpoint: as.tokenEndpoint, allowInsecureHttp: true, clientId: 'c', clientSecret: 's' }
    assert.throws(() => createTokenClient({ ...base, telemetry: {} as never }), /"telemetry" must be \{ api \}/)
    assert.throws(() => createTokenClient({ ...base, audit: 42 as never }), /"audit" must be a function/)
    assert.throws(() => createTokenClient({ ...base, audti: () => undefined } as never), /audit/)
  })

  describe('token request spike detector', () => {
    const event = (): TokenRequestEvent => ({ time: 0, clientId: 'svc', tokenEndpoint: 'https://as.example/token', outcome: 'success', cause: 'refresh', durationMs: 5, error: undefined, status: undefined, scope: undefined })

    test('a window at 3× the baseline alerts once; quiet windows decay the baseline', () => {
      let now = 0
      const alerts: TokenRequestSpikeAlert[] = []
      const detect = tokenRequestSpikeDetector({ onAlert: (alert) => void alerts.push(alert), now: () => now, windowDuration: '1m', minRequests: 5 })
      for (let window = 0; window < 4; window++) {
        for (let i = 0; i < 4; i++) detect(event())
        now += 60_000
      }
      for (let i = 0; i < 11; i++) detect(event())
      assert.equal(alerts.length, 0, '11 < 3 × 4')
      for (let i = 0; i < 50; i++) detect(event())
      assert.equal(alerts.length, 1)
      assert.deepEqual(alerts[0], { type: 'token_request_spike', clientId: 'svc', requests: 12, baseline: 4, windowStart: 240_000, windowMs: 60_000 })
    })

    test('as the client\'s audit sink, against the real server: a loop of forced refreshes alerts', async () => {
      const now = 0
      const alerts: TokenRequestSpikeAlert[] = []
      const detect = tokenRequestSpikeDetector({ onAlert: (alert) => void alerts.push(alert), now: () => now, minRequests: 3, learningWindows: 0 })
      const client = createTokenClient({ tokenEndpoint: as.tokenEndpoint, allowInsecureHttp: true, clientId: as.clients.readOnly.id, clientSecret: as.clients.readOnly.secret, audit: detect })
      for (let i = 0; i < 3; i++) await client.getToken({ forceRefresh: true })
      assert.equal(alerts.length, 1)
      assert.equal(alerts[0]!.clientId, as.clients.readOnly.id)
    })

    test('options are checked', () => {
      assert.throws(() => tokenRequestSpikeDetector({} as never), /"onAlert" must be a function/)
      assert.throws(() => tokenRequestSpikeDetector({ onAlert: () => undefined, factor: 0.5 }), /"factor" must be a number above 1/)
      assert.throws(() => tokenRequestSpikeDetector({ onAlert: () => undefined, windowDuration: 5 }), /windowDuration/)
    })
  })
})
