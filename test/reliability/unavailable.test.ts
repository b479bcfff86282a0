/**
 * 503, not 401: when the keys cannot be had, the client's token may well be valid. Answering 401
 * `invalid_token` would send every client to fetch a new token from an identity provider that is already
 * struggling; 503 with `Retry-After` tells it to come back.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gate } from '../support/key-server.js'
import { acrossTargets, gatedBurst, refusalsDuring, rig, sleepUntil, tokenWithUnknownKid, type Outcome } from './harness.js'

const COOLDOWN = 1500

function assertUnavailable(outcome: Outcome, label: string): void {
  assert.equal(outcome.status, 503, `${label}: status`)
  assert.match(outcome.headers['retry-after'] ?? '', /^[1-9]\d*$/, `${label}: Retry-After is an integer ≥ 1`)
  assert.doesNotMatch(outcome.headers['www-authenticate'] ?? '', /error=/, `${label}: no challenge blaming the token`)
}

// One target after another: the cooldown test freezes Date, which is the process's.
acrossTargets('503 not 401', (target) => {
  test('cold start with the key server dropping connections: 503 + Retry-After, reported as keys_unavailable; 200 once it answers', async (t) => {
    const { server, target: api, log, close } = await rig(target.start, { retryDelay: 1000, timeoutDuration: 60_000 })
    t.after(close)
    const token = await server.mint()
    // discovery is held until all 20 requests are in flight, then the connection is dropped: the 20 share
    // one attempt by construction, however slowly a loaded machine delivers them
    const held = gate()
    server.discoveryBehaviour = { kind: 'held', gate: held, then: { kind: 'reset' } }

    const { result, refusals } = await refusalsDuring(api, () => gatedBurst(api, held, 20, () => api.call(token)))
    result.forEach((outcome, index) => assertUnavailable(outcome, `request ${index}`))
    assert.equal(result[0]!.headers['www-authenticate'], undefined, 'no challenge at all on a 503')
    assert.equal(refusals.length, 20)
    assert.ok(refusals.every((r) => r.reason === 'keys_unavailable' && r.status === 503), 'the operator sees keys_unavailable')
    assert.equal(log.of('fetch_start').length, 1, 'the 20 requests shared one attempt')
    assert.equal(log.of('fetch_failure')[0]?.consecutiveFailures, 1)

    server.discoveryBehaviour = { kind: 'ok' }
    await sleepUntil(log.of('fetch_failure').at(-1)!.retryAt + 10)
    assert.equal((await api.call(token)).status, 200, 'back to normal after the retry delay')
    assert.equal(server.counts.jwks, 1)
  })

  test('unknown kid while the refetch fails: 503, still 503 within the cooldown, 401 once the issuer answers', async (t) => {
    // Date stands still and the test moves it (timers and I/O stay real): the second unknown kid comes past
    // the retry delay and within the cooldown however slowly a loaded machine answers the first
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const { server, target: api, log, close } = await rig(target.start, { cooldownDuration: COOLDOWN, retryDelay: '50ms' })
    t.after(close)
    assert.equal((await api.call(await server.mint())).status, 200)
    const strangers = await Promise.all([1, 2, 3].map(() => tokenWithUnknownKid(server)))
    const known = await server.mint()
    await server.stop()

    const first = await refusalsDuring(api, () => api.call(strangers[0]!))
    assertUnavailable(first.result, 'unknown kid, refetch failing')
    assert.deepEqual(first.refusals.map((r) => r.reason), ['keys_unavailable'])
    assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'unknown_kid'])
    t.mock.timers.tick(log.of('fetch_failure').at(-1)!.retryAt + 10 - Date.now())
    assertUnavailable(await api.call(strangers[1]!), 'unknown kid within the cooldown after the failed refetch')
    assert.equal(log.of('fetch_start').length, 2, 'no new attempt within the cooldown')
    assert.equal((await api.call(known)).status, 200, 'known keys still verify meanwhile')

    await server.start()
    t.mock.timers.tick(COOLDOWN + 20)
    t.mock.timers.tick(Math.max(0, log.of('fetch_failure').at(-1)!.retryAt + 10 - Date.now()))
    const last = await refusalsDuring(api, () => api.call(strangers[2]!))
    assert.equal(last.result.status, 401, 'the refetch worked and the kid is really unknown')
    assert.deepEqual(last.refusals.map((r) => r.reason), ['key_not_found'])
    assert.equal(server.counts.jwks, 2, 'the cold fetch and the refetch after recovery')
  })
}, false)
