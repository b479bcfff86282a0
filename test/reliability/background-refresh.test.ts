/**
 * Background refresh: past 80 % of the key set's freshness, a request starts a refresh and is answered with
 * the keys in hand; it never waits on the network, even when the key server is slow.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { gate } from '../support/key-server.js'
import { acrossTargets, fetchedAt, rig, sleepUntil, TARGETS, until } from './harness.js'

/**
 * Freshness of the first test: its first two requests must come before 80 % of it, and the third between
 * 80 and 100 %. Date stands still in that test and the test moves it (timers and I/O stay real), so these
 * are instants however slowly a loaded machine answers; the targets run one after another for it (Date is
 * the process's).
 */
const MAX_AGE = 3000
const REFRESH_AT = MAX_AGE * 0.8
/** Freshness of the held-refresh test, which has nothing to fit in before the refresh point. */
const SLOW_MAX_AGE = 500

describe('refreshing ahead of expiry', () => {
  acrossTargets('background refresh', (target) => {
    test('before 80 % of the freshness nothing is fetched; after it one request starts a refresh', async (t) => {
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
      const { server, target: api, log, close } = await rig(target.start, { cacheMaxAge: MAX_AGE })
      t.after(close)
      assert.equal((await api.call(await server.mint())).status, 200)
      const coldFetchedAt = fetchedAt(api)
      // each request carries a new token: a verified-token cache hit would not reach the key source
      assert.equal((await api.call(await server.mint())).status, 200)
      assert.ok(Date.now() < coldFetchedAt + REFRESH_AT, 'the second request came before 80 %')
      assert.equal(server.counts.jwks, 1, 'no refresh before 80 %')

      const early = await server.mint()
      t.mock.timers.tick(coldFetchedAt + REFRESH_AT + 20 - Date.now())
      assert.equal((await api.call(early)).status, 200)
      await until(() => log.of('fetch_success').length === 2, 'the background refresh')
      assert.equal(server.counts.jwks, 2)
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'refresh'])
      assert.equal(log.of('stale_keys_served').length, 0, 'refreshed ahead of expiry: nothing stale was served')
      assert.ok(fetchedAt(api) > coldFetchedAt, 'the new set is in use')
    })
  }, false)

  // The targets run side by side. The key server holds the refresh until the answer has arrived, so "the
  // answer came first" is a fact of the test, not a race against a delay.
  describe('a slow key server does not slow down answers', { concurrency: true }, () => {
    for (const target of TARGETS) {
      test(`${target.name}: the answer arrives while the refresh is still held at the key server`, async (t) => {
        const { server, target: api, log, close } = await rig(target.start, { cacheMaxAge: `${SLOW_MAX_AGE}ms`, timeoutDuration: 60_000 })
        t.after(close)
        assert.equal((await api.call(await server.mint())).status, 200)
        const coldFetchedAt = fetchedAt(api)
        const token = await server.mint()
        const held = gate()
        t.after(() => held.open())
        server.behaviour = { kind: 'held', gate: held }
        await sleepUntil(coldFetchedAt + SLOW_MAX_AGE * 0.8 + 20)

        const outcome = await api.call(token)
        const startsAtAnswer = log.of('fetch_start').length
        const successesAtAnswer = log.of('fetch_success').length
        assert.equal(outcome.status, 200)
        assert.equal(startsAtAnswer, 2, 'the request started the refresh')
        assert.equal(successesAtAnswer, 1, 'answered before the refresh completed (only the cold fetch had succeeded)')
        await until(() => server.counts.jwks === 2, 'the held key set request to reach the server', 30_000)
        assert.equal(log.of('fetch_success').length, 1, 'the refresh is still held')

        held.open()
        await until(() => log.of('fetch_success').length === 2, 'the refresh to complete once released', 30_000)
        assert.ok(fetchedAt(api) > coldFetchedAt, 'the refreshed set is in use')
        assert.equal(server.counts.jwks, 2, 'one refresh')
      })
    }
  })
})
