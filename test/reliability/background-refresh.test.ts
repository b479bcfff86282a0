/**
 * Background refresh: past 80 % of the key set's freshness, a request starts a refresh and is answered with
 * the keys in hand; it never waits on the network, even when the key server is slow.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { acrossTargets, fetchedAt, rig, sleepUntil, TARGETS, until } from './harness.js'

/** Freshness of the first test: its first two requests must fit well before 80 % of it on a busy machine. */
const MAX_AGE = 1000
const REFRESH_AT = MAX_AGE * 0.8
/** Freshness of the slow-server test, which has nothing to fit in before the refresh point. */
const SLOW_MAX_AGE = 500

describe('refreshing ahead of expiry', { concurrency: true }, () => {
  acrossTargets('background refresh', (target) => {
    test('before 80 % of the freshness nothing is fetched; after it one request starts a refresh', async (t) => {
      const { server, target: api, log, close } = await rig(target.start, { cacheMaxAge: MAX_AGE })
      t.after(close)
      assert.equal((await api.call(await server.mint())).status, 200)
      const coldFetchedAt = fetchedAt(api)
      // each request carries a new token: a verified-token cache hit would not reach the key source
      assert.equal((await api.call(await server.mint())).status, 200)
      assert.ok(Date.now() < coldFetchedAt + REFRESH_AT, 'the second request came before 80 % (the machine was not too slow)')
      assert.equal(server.counts.jwks, 1, 'no refresh before 80 %')

      const early = await server.mint()
      await sleepUntil(coldFetchedAt + REFRESH_AT + 20)
      assert.equal((await api.call(early)).status, 200)
      await until(() => log.of('fetch_success').length === 2, 'the background refresh')
      assert.equal(server.counts.jwks, 2)
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'refresh'])
      assert.equal(log.of('stale_keys_served').length, 0, 'refreshed ahead of expiry: nothing stale was served')
      assert.ok(fetchedAt(api) > coldFetchedAt, 'the new set is in use')
    })
  })

  // The four targets run side by side: each waits on a 2 s key server, and none of them should.
  describe('a slow key server does not slow down answers', { concurrency: true }, () => {
    for (const target of TARGETS) {
      test(`${target.name}: the answer arrives before the slow refresh completes`, async (t) => {
        const { server, target: api, log, close } = await rig(target.start, { cacheMaxAge: SLOW_MAX_AGE, timeoutDuration: 5000 })
        t.after(close)
        assert.equal((await api.call(await server.mint())).status, 200)
        const token = await server.mint()
        server.behaviour = { kind: 'slow', delayMs: 2000 }
        await sleepUntil(fetchedAt(api) + SLOW_MAX_AGE * 0.8 + 20)

        const started = Date.now()
        const outcome = await api.call(token)
        const latency = Date.now() - started
        const startsAtAnswer = log.of('fetch_start').length
        const successesAtAnswer = log.of('fetch_success').length

        assert.equal(outcome.status, 200)
        assert.equal(startsAtAnswer, 2, 'the request started the refresh')
        assert.equal(successesAtAnswer, 1, 'the answer came before the refresh completed (only the cold fetch had succeeded)')
        await until(() => server.counts.jwks === 2, 'the slow key set request to reach the server', 1000)
        t.diagnostic(`answered in ${latency} ms while the key server took 2000 ms`)
        await until(() => log.of('fetch_success').length === 2, 'the slow refresh to complete', 4000)
        assert.ok(log.entries.at(-1)!.at - started >= 1900, 'the refresh really took the 2 s')
      })
    }
  })
})
