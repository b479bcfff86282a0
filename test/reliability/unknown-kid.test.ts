/**
 * Unknown `kid`: one refetch (OIDC Core §10.1.1), then `cooldownDuration` during which further unknown kids
 * are refused without touching the network, so that a flood of invented kids is no flood of fetches; a key
 * the issuer really rotated in is picked up by the next refetch.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateSigningKey } from '../support/key-server.js'
import { acrossTargets, flood, refusalsDuring, rig, tally, tokenWithUnknownKid } from './harness.js'

/** Cooldown of the flood test, whose bound is computed from the elapsed time (a lower bound on the budget). */
const COOLDOWN = 300
/** Cooldown of the other tests: longer than they can take, so "within the cooldown" is not a race. */
const LONG_COOLDOWN = 600_000

acrossTargets('unknown kid', (target) => {
  test('refetches once, then refuses within the cooldown without fetching', async (t) => {
    const { server, target: api, log, close } = await rig(target.start, { cooldownDuration: LONG_COOLDOWN })
    t.after(close)
    assert.equal((await api.call(await server.mint())).status, 200)
    const [first, second] = [await tokenWithUnknownKid(server), await tokenWithUnknownKid(server)]

    const refetched = await refusalsDuring(api, () => api.call(first))
    assert.equal(refetched.result.status, 401)
    assert.match(refetched.result.headers['www-authenticate'] ?? '', /error="invalid_token"/)
    assert.deepEqual(refetched.refusals.map((r) => r.reason), ['key_not_found'])
    assert.equal(server.counts.jwks, 2, 'one refetch for the unknown kid')
    assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold', 'unknown_kid'])

    const cooled = await refusalsDuring(api, () => api.call(second))
    assert.equal(cooled.result.status, 401)
    assert.deepEqual(cooled.refusals.map((r) => r.reason), ['key_not_found'])
    assert.equal(server.counts.jwks, 2, 'no fetch within the cooldown')
    const [refusal] = log.of('cooldown_refusal')
    assert.ok(refusal, 'a cooldown_refusal event')
    assert.ok(refusal.cooldownRemainingMs > 0 && refusal.cooldownRemainingMs <= LONG_COOLDOWN, `cooldownRemainingMs ${refusal.cooldownRemainingMs}`)
  })

  test('after a rotation, a token with the new kid verifies after one refetch', async (t) => {
    // the cold fetch spends no unknown-kid refetch: the first unknown kid may refetch however long the cooldown
    const { server, target: api, log, key, close } = await rig(target.start, { cooldownDuration: LONG_COOLDOWN })
    t.after(close)
    assert.equal((await api.call(await server.mint())).status, 200)
    const rotated = await generateSigningKey('ES256', 'rotated-in')
    server.published = [rotated, key]

    assert.equal((await api.call(await server.mint({}, { key: rotated }))).status, 200)
    assert.equal(server.counts.jwks, 2, 'one refetch')
    assert.deepEqual(log.of('keys_changed').at(-1), { type: 'keys_changed', added: ['rotated-in'], removed: [] })
    assert.equal((await api.call(await server.mint({}, { key: rotated }))).status, 200, 'no further fetch needed')
    assert.equal((await api.call(await server.mint({}, { key }))).status, 200, 'the old key still verifies')
    assert.equal(server.counts.jwks, 2)
  })
})

// The floods are CPU-bound: one target at a time.
acrossTargets('a flood of unknown kids', (target) => {
  test('a flood of 500 random kids costs at most ceil(elapsed / cooldown) + 1 fetches', async (t) => {
    const { server, target: api, close } = await rig(target.start, { cooldownDuration: `${COOLDOWN}ms` })
    t.after(close)
    assert.equal((await api.call(await server.mint())).status, 200)
    const tokens = await Promise.all(Array.from({ length: 500 }, () => tokenWithUnknownKid(server)))
    const fetchesBefore = server.counts.jwks
    const refusalsBefore = api.refusals.length

    const started = Date.now()
    const outcomes = await flood(500, 25, (index) => api.call(tokens[index]!))
    const elapsed = Date.now() - started
    const fetches = server.counts.jwks - fetchesBefore

    assert.deepEqual(tally(outcomes), { 401: 500 })
    assert.ok(api.refusals.slice(refusalsBefore).every((r) => r.reason === 'key_not_found'), 'every refusal is key_not_found')
    assert.ok(fetches >= 1, 'the first unknown kid did refetch')
    const bound = Math.ceil(elapsed / COOLDOWN) + 1
    assert.ok(fetches <= bound, `${fetches} fetches in ${elapsed} ms, bound ${bound}`)
    t.diagnostic(`500 unknown kids in ${elapsed} ms: ${fetches} key set fetches (bound ${bound})`)
  })
}, false)
