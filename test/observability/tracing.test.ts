/**
 * Spans through the real tracing SDK (in-memory span exporter, AsyncLocalStorage context): a key set fetch
 * is a span, discovery a child of it, a failed fetch an errored span, and a background refresh a root span
 * rather than a child of the request that happened to start it.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { registerTelemetry, type TestTelemetry } from '../support/telemetry.js'

describe('OpenTelemetry spans', () => {
  let telemetry: TestTelemetry
  let server: KeyServer

  before(async () => {
    telemetry = registerTelemetry()
    server = await startKeyServer()
  })
  after(async () => {
    await server.close()
    await telemetry.shutdown()
  })

  test('a cold fetch: tokenguard.jwks.fetch (cause cold) with tokenguard.discovery inside, in the caller\'s trace', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, telemetry: { api: telemetry.api } })
    const tracer = telemetry.api.trace.getTracer('test')
    await tracer.startActiveSpan('request', async (span) => {
      await verifier.verify(await server.mint())
      span.end()
    })
    const spans = telemetry.spans()
    const request = spans.find((span) => span.name === 'request')!
    const fetch = spans.find((span) => span.name === 'tokenguard.jwks.fetch')!
    const discovery = spans.find((span) => span.name === 'tokenguard.discovery')!
    assert.equal(fetch.attributes['tokenguard.fetch.cause'], 'cold')
    assert.equal(fetch.attributes['tokenguard.issuer'], server.issuer)
    assert.equal(fetch.instrumentationScope.name, '@tokenguard/core')
    assert.equal(fetch.parentSpanContext?.spanId, request.spanContext().spanId, 'a cold fetch is the waiting request\'s work')
    assert.equal(discovery.parentSpanContext?.spanId, fetch.spanContext().spanId)
    assert.equal(discovery.attributes['tokenguard.issuer'], server.issuer)
    assert.equal(fetch.status.code, telemetry.api.SpanStatusCode.UNSET)
  })

  test('a failed refresh: an errored root span with the exception recorded', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, jwksUri: server.jwksUri, telemetry: { api: telemetry.api } })
    await verifier.ready()
    server.behaviour = { kind: 'status', status: 503 }
    const tracer = telemetry.api.trace.getTracer('test')
    await tracer.startActiveSpan('request', async (span) => {
      await verifier.keySource.refresh().catch(() => undefined)
      span.end()
    })
    server.behaviour = { kind: 'ok' }
    const failed = telemetry.spans().find((span) => span.name === 'tokenguard.jwks.fetch' && span.attributes['tokenguard.fetch.cause'] === 'refresh')!
    assert.equal(failed.status.code, telemetry.api.SpanStatusCode.ERROR)
    assert.match(failed.status.message ?? '', /503/)
    assert.equal(failed.events[0]?.name, 'exception')
    assert.equal(failed.attributes['url.full'], server.jwksUri)
    assert.equal(failed.parentSpanContext, undefined, 'a refresh belongs to no request')
  })

  test('without telemetry no span is made', async () => {
    const before = telemetry.spans().length
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
    await verifier.verify(await server.mint())
    assert.equal(telemetry.spans().length, before)
  })
})
