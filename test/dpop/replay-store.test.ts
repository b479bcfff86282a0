/**
 * The in-memory replay store on its own: once per key within its time to live, bounded by count, never
 * forgetting a live key to make room (full means 503 upstream), options checked at creation.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryReplayStore, ReplayStoreUnavailableError } from '@tokenguard/core'

describe('memoryReplayStore', () => {
  test('a key is accepted once within its time to live', () => {
    const store = memoryReplayStore()
    assert.equal(store.remember('a', 60_000), true)
    assert.equal(store.remember('a', 60_000), false)
    assert.equal(store.remember('b', 60_000), true)
  })

  test('an expired key is accepted again (the wait only ever makes it later, never earlier)', async () => {
    const store = memoryReplayStore()
    assert.equal(store.remember('short', 1), true)
    await sleep(20)
    assert.equal(store.remember('short', 60_000), true)
    assert.equal(store.remember('short', 60_000), false)
  })

  test('full of live keys, it refuses new ones and keeps refusing replays of the old ones', () => {
    const store = memoryReplayStore({ maxEntries: 1000 })
    for (let i = 0; i < 1000; i++) assert.equal(store.remember(`k${i}`, 60_000), true)
    assert.throws(() => store.remember('one-more', 60_000), ReplayStoreUnavailableError)
    for (let i = 0; i < 1000; i++) assert.equal(store.remember(`k${i}`, 60_000), false, `k${i} was forgotten`)
  })

  test('full of expired keys, it makes room for new ones', async () => {
    const store = memoryReplayStore({ maxEntries: 100 })
    for (let i = 0; i < 100; i++) store.remember(`old${i}`, 1)
    await sleep(20)
    for (let i = 0; i < 100; i++) assert.equal(store.remember(`new${i}`, 60_000), true)
  })

  test('bad options are refused', () => {
    assert.throws(() => memoryReplayStore({ maxEntries: 0 }), /positive integer/)
    assert.throws(() => memoryReplayStore({ maxEntries: 1.5 }), /positive integer/)
    assert.throws(() => memoryReplayStore({ max: 10 } as never), /no option "max"/)
  })
})
