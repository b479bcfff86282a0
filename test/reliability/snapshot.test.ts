/**
 * A persistable key cache: `keySource.export()` survives JSON, and a new verifier started with it as
 * `keySnapshot` verifies without any fetch (serverless cold starts, restarts during an outage). Snapshots of
 * another key source are ignored; stale ones are used while a refresh runs in the background.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { gate, TEST_AUDIENCE } from '../support/key-server.js'
import { acrossTargets, CORE, EventLog, FAST, rig, sleepUntil, until } from './harness.js'

/** What a deployment would store: the snapshot through JSON. */
function persisted(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value))
}

acrossTargets('keySnapshot', (target) => {
  test('a new verifier started from a persisted snapshot verifies with zero fetches', async (t) => {
    const first = await rig(CORE.start)
    t.after(first.close)
    await first.target.verifier.ready()
    const snapshot = persisted(first.target.verifier.keySource.export())
    const counts = { ...first.server.counts }

    const log = new EventLog()
    const second = await target.start({ issuer: first.server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...FAST, keySnapshot: snapshot, onEvent: log.onEvent })
    t.after(() => second.close())
    assert.equal((await second.call(await first.server.mint())).status, 200)
    assert.deepEqual(first.server.counts, counts, 'no discovery, no key set request')
    assert.deepEqual(log.types(), ['keys_changed'], 'the import, and no fetch')
  })
})

describe('snapshots of another key source are ignored (core)', () => {
  test('import() of another issuer’s snapshot returns false, and its keys are not used', async (t) => {
    const [a, b] = [await rig(CORE.start), await rig(CORE.start)]
    t.after(a.close)
    t.after(b.close)
    await a.target.verifier.ready()
    const fromA = persisted(a.target.verifier.keySource.export())
    assert.equal(b.target.verifier.keySource.import(fromA), false)
    assert.equal(b.target.verifier.keySource.export(), undefined)
    assert.equal((await b.target.call(await b.server.mint())).status, 200, 'b fetched its own keys')
    assert.equal(b.server.counts.jwks, 1)
    assert.equal(b.target.verifier.keySource.import(fromA), false, 'still refused once b has keys')
  })

  test('with a configured jwksUri, only a snapshot of that jwksUri is taken', async (t) => {
    const [a, b] = [await rig(CORE.start), await rig(CORE.start)]
    t.after(a.close)
    t.after(b.close)
    const byUri = (jwksUri: string) => createVerifier({ issuer: a.server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, jwksUri })
    const source = byUri(a.server.jwksUri)
    await source.ready()
    const snapshot = persisted(source.keySource.export())
    assert.equal(byUri(b.server.jwksUri).keySource.import(snapshot), false, 'another jwksUri')
    assert.equal(byUri(a.server.jwksUri).keySource.import(snapshot), true, 'the same jwksUri')
  })

  test('malformed snapshots are refused', async (t) => {
    const { target, close } = await rig(CORE.start)
    t.after(close)
    await target.verifier.ready()
    const good = persisted(target.verifier.keySource.export()) as Record<string, unknown>
    const fresh = createVerifier({ issuer: good.issuer as string, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    for (const bad of [null, 'snapshot', { ...good, version: 2 }, { ...good, jwks: { keys: [] } }, { ...good, fetchedAt: 'yesterday' }]) {
      assert.equal(fresh.keySource.import(bad), false, JSON.stringify(bad).slice(0, 60))
    }
    assert.equal(fresh.keySource.import(good), true)
  })
})

describe('a snapshot past its freshness (core)', () => {
  test('is used at once and refreshed in the background', async (t) => {
    const first = await rig(CORE.start, { cacheMaxAge: '300ms' })
    t.after(first.close)
    await first.target.verifier.ready()
    const snapshot = first.target.verifier.keySource.export()!
    const token = await first.server.mint()
    await sleepUntil(snapshot.freshUntil + 10)
    const held = gate() // the refresh cannot finish before the answer: it is held until then
    t.after(() => held.open())
    first.server.behaviour = { kind: 'held', gate: held }

    const log = new EventLog()
    const second = await CORE.start({
      issuer: first.server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...FAST, timeoutDuration: 60_000, keySnapshot: persisted(snapshot), onEvent: log.onEvent,
    })
    assert.equal((await second.call(token)).status, 200)
    assert.equal(log.of('fetch_success').length, 0, 'answered with the snapshot, before the refresh completed')
    assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['refresh'])
    assert.ok((log.of('stale_keys_served')[0]?.ageMs ?? 0) >= 300, 'reported as stale')
    held.open()
    await until(() => log.of('fetch_success').length === 1, 'the background refresh')
    assert.ok(second.verifier.keySource.export()!.fetchedAt > snapshot.fetchedAt, 'the refreshed set replaced the snapshot')
  })
})

describe('export() during an outage (core)', () => {
  // Regression: after a failed fetch the discovered jwks_uri is forgotten (to rediscover next time); export()
  // must still name where the keys in use came from.
  test('still returns the keys in use after a failed refresh', async (t) => {
    const { server, target, close } = await rig(CORE.start)
    t.after(close)
    await target.verifier.ready()
    const good = target.verifier.keySource.export()
    server.behaviour = { kind: 'status', status: 500 }
    await assert.rejects(target.verifier.keySource.refresh())
    assert.equal((await target.call(await server.mint())).status, 200, 'the keys are still in use')
    assert.deepEqual(target.verifier.keySource.export(), good)
  })
})
