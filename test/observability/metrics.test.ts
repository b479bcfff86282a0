/**
 * OpenTelemetry metrics through the real metrics SDK (an in-memory exporter, flushed on demand): what each
 * decision and each key fetch records, and that attributes stay bounded — the route template, never a raw
 * path; an issuer only when it is trusted; `client_id` only when asked for, within its bound.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, DURATION_BUCKETS, type RequestView, type Verifier } from '@tokenguard/core'
import { opaqueToken, startIntrospectionServer } from '../support/introspection-server.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { pointsOf, registerTelemetry, total, type TestTelemetry } from '../support/telemetry.js'

const ROUTE = '/items/:id'
const view = (token: string | undefined, route: string | null = ROUTE): RequestView => ({
  method: 'GET',
  url: '/items/42',
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  route: route ?? undefined,
})

describe('OpenTelemetry metrics', () => {
  let telemetry: TestTelemetry
  let server: KeyServer
  let verifier: Verifier

  before(async () => {
    telemetry = registerTelemetry()
    server = await startKeyServer()
    verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, retryDelay: '10ms', telemetry: { api: telemetry.api, clientIds: 2 } })
  })
  after(async () => {
    await server.close()
    await telemetry.shutdown()
  })

  test('tokenguard.verifications: outcome, reason, status, issuer, route template and check', async () => {
    const token = await server.mint({ client_id: 'client-a' })
    const read = verifier.requirement({ scopes: ['read:data'] })
    assert.equal((await verifier.decide(view(token), read)).outcome, 'accepted') // full check
    assert.equal((await verifier.decide(view(token), read)).outcome, 'accepted') // full check again: stored on its second verification (cache admission)
    assert.equal((await verifier.decide(view(token), read)).outcome, 'accepted') // cached
    assert.equal((await verifier.decide(view(undefined), read)).outcome, 'refused')
    assert.equal((await verifier.decide(view(token), verifier.requirement({ scopes: ['admin'] }))).outcome, 'refused')
    assert.equal((await verifier.decide(view(token, null), read)).outcome, 'accepted')

    const points = await telemetry.collect()
    const name = 'tokenguard.verifications'
    assert.equal(total(points, name, { outcome: 'accepted', check: 'full', route: ROUTE, issuer: server.issuer, client_id: 'client-a' }), 2)
    assert.equal(total(points, name, { outcome: 'accepted', check: 'cached', route: ROUTE }), 1)
    assert.equal(total(points, name, { outcome: 'refused', reason: 'missing_token', status: 401, check: 'none', route: ROUTE }), 1)
    assert.equal(total(points, name, { outcome: 'refused', reason: 'insufficient_scope', status: 403, check: 'cached', issuer: server.issuer }), 1)
    const withoutRoute = pointsOf(points, name, { outcome: 'accepted' }).filter((point) => !('route' in point.attributes))
    assert.equal(withoutRoute.length, 1, 'no route template known: no route attribute at all')
    assert.ok(points.every((point) => point.attributes.route === undefined || point.attributes.route === ROUTE), 'never the raw path /items/42')
    assert.equal(pointsOf(points, name).find((point) => point.attributes.outcome === 'refused' && point.attributes.reason === 'missing_token')?.attributes.issuer, undefined)
  })

  test('tokenguard.verification.duration: seconds, cached and full told apart, with bucket advice', async () => {
    const points = await telemetry.collect()
    const [full] = pointsOf(points, 'tokenguard.verification.duration', { outcome: 'accepted', check: 'full' })
    const [cached] = pointsOf(points, 'tokenguard.verification.duration', { outcome: 'accepted', check: 'cached' })
    assert.equal(full?.unit, 's')
    assert.deepEqual(full?.histogram?.boundaries, DURATION_BUCKETS)
    assert.equal(full?.histogram?.count, 2)
    assert.equal(cached?.histogram?.count, 2)
    assert.ok(full!.histogram!.sum > 0 && full!.histogram!.sum < 10, `a plausible number of seconds: ${full!.histogram!.sum}`)
    assert.equal(full?.attributes.route, undefined, 'the histogram is not sliced by route')
  })

  test('tokenguard.token_cache.lookups and tokenguard.token_cache.size: the hit ratio', async () => {
    const points = await telemetry.collect()
    assert.equal(total(points, 'tokenguard.token_cache.lookups', { result: 'miss' }), 2)
    assert.equal(total(points, 'tokenguard.token_cache.lookups', { result: 'hit' }), 3)
    assert.equal(total(points, 'tokenguard.token_cache.size'), 1)
  })

  test('tokenguard.jwks.fetches, tokenguard.jwks.fetch.duration and tokenguard.jwks.age', async () => {
    server.behaviour = { kind: 'status', status: 503 }
    await verifier.keySource.refresh().catch(() => undefined)
    server.behaviour = { kind: 'ok' }
    const points = await telemetry.collect()
    assert.equal(total(points, 'tokenguard.jwks.fetches', { issuer: server.issuer, outcome: 'success', cause: 'cold' }), 1)
    assert.equal(total(points, 'tokenguard.jwks.fetches', { issuer: server.issuer, outcome: 'failure', cause: 'refresh', kind: 'outage' }), 1)
    assert.equal(total(points, 'tokenguard.jwks.fetch.duration', { issuer: server.issuer }), 2)
    const [age] = pointsOf(points, 'tokenguard.jwks.age', { issuer: server.issuer })
    assert.equal(age?.unit, 's')
    assert.ok(age!.value >= 0 && age!.value < 60, `the keys were fetched during this test: ${age!.value} s`)
  })

  test('refusals label only trusted issuers: a token naming another issuer is counted without one', async () => {
    const foreign = await server.mint({ iss: 'https://attacker.example/' }, { key: await generateSigningKey('RS256', 'foreign') })
    assert.equal((await verifier.decide(view(foreign))).outcome, 'refused')
    const points = await telemetry.collect()
    const [refusal] = pointsOf(points, 'tokenguard.verifications', { reason: 'issuer_mismatch' })
    assert.equal(refusal?.value, 1)
    assert.equal(refusal?.attributes.issuer, undefined)
    assert.ok(points.every((point) => point.attributes.issuer !== 'https://attacker.example/'))
  })

  test('client_id: the first N verified clients, then "other"; an unverified client id never takes a slot', async () => {
    const forged = await server.mint({ client_id: 'forged-client' }, { key: await generateSigningKey('RS256', server.published[0]!.kid) })
    assert.equal((await verifier.decide(view(forged))).outcome, 'refused')
    for (const client of ['client-b', 'client-c', 'client-d']) assert.equal((await verifier.decide(view(await server.mint({ client_id: client })))).outcome, 'accepted')
    const points = await telemetry.collect()
    const clients = new Set(pointsOf(points, 'tokenguard.verifications').map((point) => point.attributes.client_id))
    assert.deepEqual([...clients].filter((id) => id !== undefined).sort(), ['client-a', 'client-b', 'other'])
    assert.equal(total(points, 'tokenguard.verifications', { reason: 'signature_invalid', client_id: 'other' }), 1)
    assert.equal(total(points, 'tokenguard.verifications', { outcome: 'accepted', client_id: 'other' }), 2)
  })

  test('an allowlist of client ids; without clientIds no client_id attribute at all', async () => {
    const listed = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, telemetry: { api: telemetry.api, clientIds: ['listed'] } })
    const plain = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, telemetry: { api: telemetry.api } })
    for (const client of ['listed', 'unlisted']) {
      await listed.decide(view(await server.mint({ client_id: client }), '/listed'))
      await plain.decide(view(await server.mint({ client_id: client }), '/plain'))
    }
    const points = await telemetry.collect()
    assert.deepEqual(pointsOf(points, 'tokenguard.verifications', { route: '/listed' }).map((point) => point.attributes.client_id).sort(), ['listed', 'other'])
    assert.deepEqual(pointsOf(points, 'tokenguard.verifications', { route: '/plain' }).map((point) => 'client_id' in point.attributes), [false])
  })

  test('verifier.verify() is counted like a decision, without a route', async () => {
    const before = total(await telemetry.collect(), 'tokenguard.verifications', { outcome: 'refused', reason: 'insufficient_scope' })
    await assert.rejects(verifier.verify(await server.mint(), { scopes: ['admin'] }), { reason: 'insufficient_scope' })
    const points = await telemetry.collect()
    assert.equal(total(points, 'tokenguard.verifications', { outcome: 'refused', reason: 'insufficient_scope' }), before + 1)
  })

  test('several issuers: each key source reports its own fetches and age, and refusals name only trusted issuers', async () => {
    const second = await startKeyServer()
    try {
      const multi = createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: server.issuer }, { issuer: second.issuer }], telemetry: { api: telemetry.api } })
      assert.equal((await multi.decide(view(await second.mint(), '/multi'))).outcome, 'accepted')
      await multi.ready()
      const points = await telemetry.collect()
      assert.equal(total(points, 'tokenguard.jwks.fetches', { issuer: second.issuer, outcome: 'success', cause: 'cold' }), 1)
      assert.equal(pointsOf(points, 'tokenguard.jwks.age', { issuer: second.issuer }).length, 1)
      assert.equal(total(points, 'tokenguard.verifications', { route: '/multi', issuer: second.issuer, outcome: 'accepted' }), 1)
    } finally {
      await second.close()
    }
  })

  test('tokenguard.introspection.requests and .duration: one per request that reached the endpoint, by outcome', async () => {
    const as = await startIntrospectionServer()
    try {
      const opaque = createVerifier({ issuer: as.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, introspection: { endpoint: as.endpoint, clientId: as.clientId, clientSecret: as.clientSecret }, telemetry: { api: telemetry.api } })
      const token = opaqueToken()
      as.answers.set(token, { active: true, iss: as.issuer, aud: TEST_AUDIENCE, client_id: 'client-1', scope: 'read:data', exp: Math.floor(Date.now() / 1000) + 3600 })
      for (let i = 0; i < 3; i++) assert.equal((await opaque.decide(view(token, '/opaque'))).outcome, 'accepted')
      as.behaviour = { kind: 'status', status: 500 }
      assert.equal((await opaque.decide(view(opaqueToken(), '/opaque'))).outcome, 'refused')
      const points = await telemetry.collect()
      assert.equal(total(points, 'tokenguard.introspection.requests', { issuer: as.issuer, outcome: 'success' }), 1, 'cache hits make no request')
      assert.equal(total(points, 'tokenguard.introspection.requests', { issuer: as.issuer, outcome: 'failure' }), 1)
      assert.equal(total(points, 'tokenguard.introspection.duration', { issuer: as.issuer }), 2)
      assert.equal(total(points, 'tokenguard.verifications', { route: '/opaque', outcome: 'refused', reason: 'introspection_unavailable', status: 503 }), 1)
    } finally {
      await as.close()
    }
  })
})
