/**
 * Single flight: however many requests arrive together, the key server sees one discovery and one key set
 * request — on a cold cache, when the set goes stale (background refresh) and when it is too old to use
 * (blocking refetch).
 *
 * No timing assumption: the key server holds its answer (a gate) until all 100 requests are known to be in
 * flight at the target, so a loaded machine that delivers them slowly cannot make any of them come after
 * the fetch; and a background refresh is held until every stale request has been answered.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { gate } from '../support/key-server.js'
import { acrossTargets, burst, CORE, fetchedAt, freshUntil, gatedBurst, rig, sleepUntil, tally, until } from './harness.js'

const HOLD_LIMIT = 60_000

describe('single flight', { concurrency: true }, () => {
  acrossTargets('on a cold cache and once stale', (target) => {
    test('100 concurrent requests on a cold cache: one discovery, one key set fetch; once stale: one refresh', async (t) => {
      // timeoutDuration outlasts any hold: a held fetch must not time out while a loaded machine delivers the burst
      const { server, target: api, log, close } = await rig(target.start, { cacheMaxAge: 1000, timeoutDuration: HOLD_LIMIT })
      t.after(close)
      const token = await server.mint()

      const cold = gate()
      server.behaviour = { kind: 'held', gate: cold }
      assert.deepEqual(tally(await gatedBurst(api, cold, 100, () => api.call(token))), { 200: 100 })
      assert.equal(server.counts.discovery, 1, 'discovery requests')
      assert.equal(server.counts.jwks, 1, 'key set requests')
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold'])

      // (waiting for the set to go stale is waiting for time to pass: a slow machine only waits longer)
      await sleepUntil(freshUntil(api) + 10)
      // a token the verified-token cache has not seen, so that every request reaches the key source
      const another = await server.mint()
      const refresh = gate()
      server.behaviour = { kind: 'held', gate: refresh }
      try {
        assert.deepEqual(tally(await burst(100, () => api.call(another))), { 200: 100 }, 'stale keys answer while the refresh is held')
      } finally {
        refresh.open()
      }
      await until(() => log.of('fetch_success').length === 2, 'the background refresh to finish', 30_000)
      assert.equal(server.counts.jwks, 2, 'one refresh for 100 stale requests')
      assert.equal(server.counts.discovery, 1, 'the discovered jwks_uri is reused')
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'refresh'])
    })
  })

  describe('single flight beyond maxStaleDuration (core)', () => {
    test('100 concurrent requests with keys too old to use wait on one blocking refetch', async (t) => {
      const { server, target: api, log, close } = await rig(CORE.start, { cacheMaxAge: '200ms', maxStaleDuration: '400ms', timeoutDuration: HOLD_LIMIT })
      t.after(close)
      assert.equal((await api.call(await server.mint())).status, 200)
      const another = await server.mint()
      await sleepUntil(fetchedAt(api) + 400 + 10)

      const refetch = gate()
      server.behaviour = { kind: 'held', gate: refetch }
      assert.deepEqual(tally(await gatedBurst(api, refetch, 100, () => api.call(another))), { 200: 100 })
      assert.equal(server.counts.jwks, 2)
      assert.equal(server.counts.discovery, 1)
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'expired'])
      assert.equal(log.of('stale_keys_served').length, 0, 'keys past maxStaleDuration are not served at all')
    })
  })
})
