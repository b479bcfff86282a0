/**
 * A refresh replaces the key set, never merges: a key the issuer stopped publishing stops verifying, and
 * so do tokens it verified earlier that sit in the verified-token cache.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateSigningKey } from '../support/key-server.js'
import { acrossTargets, freshUntil, refusalsDuring, rig, sleepUntil, until, type Rig } from './harness.js'

/** A rig whose issuer publishes two keys: `removed` (signs the cached token) and `kept`. */
async function twoKeyRig(start: Parameters<typeof rig>[0], cacheMaxAge: number) {
  const r = await rig(start, { cacheMaxAge: `${cacheMaxAge}ms` })
  const kept = await generateSigningKey('ES256', 'kept')
  r.server.published = [r.key, kept]
  return { ...r, removed: r.key, kept }
}

function publishedKids(r: Rig): string[] {
  return (r.target.verifier.keySource.export()?.jwks.keys ?? []).map((key) => key.kid ?? '?')
}

acrossTargets('refresh replaces, never merges', (target) => {
  test('after keySource.refresh(), a removed key is refused, a token it verified before included', async (t) => {
    const r = await twoKeyRig(target.start, 60_000)
    t.after(r.close)
    const cached = await r.server.mint({}, { key: r.removed })
    assert.equal((await r.target.call(cached)).status, 200, 'verified (and now cached) before the removal')
    assert.equal((await r.target.call(cached)).status, 200)

    r.server.published = [r.kept]
    await r.target.verifier.keySource.refresh()
    assert.deepEqual(r.log.of('keys_changed').at(-1), { type: 'keys_changed', added: [], removed: [r.removed.kid] })
    assert.deepEqual(publishedKids(r), ['kept'], 'the set in use is exactly the published one')

    const refused = await refusalsDuring(r.target, () => r.target.call(cached))
    assert.equal(refused.result.status, 401, 'the cached token of the removed key')
    assert.deepEqual(refused.refusals.map((x) => x.reason), ['key_not_found'])
    assert.equal((await r.target.call(await r.server.mint({}, { key: r.removed }))).status, 401, 'a new token of the removed key')
    assert.equal((await r.target.call(await r.server.mint({}, { key: r.kept }))).status, 200, 'the kept key still verifies')
  })

  test('after expiry and a background refresh caused by other traffic, the removed key is refused, cached tokens included', async (t) => {
    const r = await twoKeyRig(target.start, 300)
    t.after(r.close)
    const cached = await r.server.mint({}, { key: r.removed })
    // Stored on its second verification (cache admission): from then on every call is a cache hit.
    assert.equal((await r.target.call(cached)).status, 200)
    assert.equal((await r.target.call(cached)).status, 200)

    r.server.published = [r.kept]
    await sleepUntil(freshUntil(r.target) + 10)
    // an uncached token reaches the key source, which refreshes in the background
    await r.target.call(await r.server.mint({}, { key: r.kept }))
    await until(() => r.log.of('keys_changed').length === 2, 'the refresh to remove the key')
    assert.deepEqual(publishedKids(r), ['kept'])
    assert.equal((await r.target.call(cached)).status, 401)
  })

  // Regression: a verified-token cache hit skips key lookup, so cache hits must keep the refresh schedule
  // going themselves (KeySource.maintain), or traffic made only of cached tokens never refreshes the set.
  test('after expiry with only the cached token as traffic, the key set is still refreshed and the removed key refused', async (t) => {
    const r = await twoKeyRig(target.start, 300)
    t.after(r.close)
    const cached = await r.server.mint({}, { key: r.removed })
    // Stored on its second verification (cache admission): from then on every call is a cache hit.
    assert.equal((await r.target.call(cached)).status, 200)
    assert.equal((await r.target.call(cached)).status, 200)

    r.server.published = [r.kept]
    await sleepUntil(freshUntil(r.target) + 10)
    // A machine client reuses one token for its whole lifetime: that is all the traffic there is. Its first
    // call after expiry is a cache hit that starts the refresh; wait for the refresh itself, not a delay.
    await r.target.call(cached)
    await until(() => r.log.of('keys_changed').length === 2, 'the refresh started by a cache hit to remove the key', 30_000)
    assert.ok(r.server.counts.jwks >= 2, `the key set was refreshed (key set requests: ${r.server.counts.jwks})`)
    assert.deepEqual(publishedKids(r), ['kept'])
    assert.equal((await r.target.call(cached)).status, 401, 'the token of the removed key is refused, cached or not')
  })
})
