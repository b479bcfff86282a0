/**
 * The in-memory replay store: bounded by count and by window, and a flood of fresh keys cannot make it
 * forget a recent one (it refuses to remember more instead: 503). Waits below only let a ttl pass (lower
 * bounds): a slow machine makes them longer, never wrong.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { MAX_REPLAY_KEY_LENGTH, memoryReplayStore, ReplayStoreUnavailableError, type ReplayStore } from '@tokenguard/core'

/** Resolves once the clock is past `at` (epoch ms). */
async function pastInstant(at: number): Promise<void> {
  while (Date.now() <= at) await sleep(at - Date.now() + 1)
}

/** remember() as an outcome: true, false, or 'unavailable'. */
async function outcome(store: ReplayStore, key: string, ttlMs: number): Promise<boolean | 'unavailable'> {
  try {
    return await store.remember(key, ttlMs)
  } catch (error) {
    if (error instanceof ReplayStoreUnavailableError) return 'unavailable'
    throw error
  }
}

describe('memoryReplayStore', () => {
  test('a new key is remembered; the same key again is a replay', () => {
    const store = memoryReplayStore()
    assert.equal(store.remember('proof-1', 60_000), true)
    assert.equal(store.remember('proof-1', 60_000), false)
    assert.equal(store.remember('proof-2', 60_000), true)
  })

  test('a key is forgotten once its ttl has passed, not before', async () => {
    const store = memoryReplayStore()
    assert.equal(store.remember('short', 300), true)
    const rememberedAt = Date.now() // read after remember(): the key's expiry is at most this + 300
    assert.equal(store.remember('short', 300), false)
    await pastInstant(rememberedAt + 300)
    assert.equal(store.remember('short', 300), true, 'past its window the key may be used again')
  })

  test('expiry follows each key’s own ttl, not the order keys came in', async () => {
    const store = memoryReplayStore({ maxEntries: 2 })
    assert.equal(store.remember('long', 60_000), true)
    assert.equal(store.remember('short', 300), true)
    const at = Date.now()
    assert.equal(await outcome(store, 'third', 60_000), 'unavailable', 'full of live keys')
    await pastInstant(at + 300)
    assert.equal(store.remember('third', 60_000), true, 'the short key expired and made room')
    assert.equal(store.remember('long', 60_000), false, 'the long key, older than the short one, is still remembered')
  })

  // (room returning once keys expire is the test above: here no key may expire during the flood)
  test('a flood of 2×maxEntries fresh keys: memory stays bounded, recent keys are still replays', async () => {
    const maxEntries = 1000
    const store = memoryReplayStore({ maxEntries })
    const recent = Array.from({ length: 10 }, (_, i) => `recent-${i}`)
    for (const key of recent) assert.equal(store.remember(key, 60_000), true)

    const floodTtl = 600_000
    const results = { accepted: 0, unavailable: 0 }
    for (let i = 0; i < 2 * maxEntries; i++) {
      const result = await outcome(store, `flood-${i}`, floodTtl)
      assert.notEqual(result, false, 'no fresh key is taken for a replay')
      results[result === true ? 'accepted' : 'unavailable']++
    }
    assert.deepEqual(results, { accepted: maxEntries - recent.length, unavailable: maxEntries + recent.length }, 'never more than maxEntries at once')
    for (const key of recent) assert.equal(store.remember(key, 60_000), false, `${key} is still refused as a replay`)
    assert.equal(await outcome(store, 'flood-0', floodTtl), false, 'a flood key within its window is a replay too')
  })

  test('refuses unbounded keys, bad ttls and unknown options', () => {
    const store = memoryReplayStore()
    assert.throws(() => store.remember('x'.repeat(MAX_REPLAY_KEY_LENGTH + 1), 1000), /at most 256 characters \(hash untrusted values\)/)
    assert.equal(store.remember('x'.repeat(MAX_REPLAY_KEY_LENGTH), 1000), true)
    assert.throws(() => store.remember('', 1000), TypeError)
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000']) assert.throws(() => store.remember('k', ttl as number), /positive number of milliseconds/)
    assert.throws(() => memoryReplayStore({ maxEntires: 10 } as never), /has no option "maxEntires" \(known: maxEntries\)/)
    for (const maxEntries of [0, -5, 1.5, '10']) assert.throws(() => memoryReplayStore({ maxEntries: maxEntries as number }), /"maxEntries" must be a positive integer/)
  })

  test('ReplayStoreUnavailableError is an Error with its own name', () => {
    const error = new ReplayStoreUnavailableError(undefined, { cause: new Error('down') })
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'ReplayStoreUnavailableError')
    assert.match(error.message, /cannot answer/)
    assert.equal((error.cause as Error).message, 'down')
  })
})
