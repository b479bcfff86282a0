/**
 * The Redis replay store against a real, private redis-server: shared by a fleet (a key remembered
 * through one connection is a replay through another), atomic under a race, expiring with the window, and
 * failing closed when Redis is gone.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ReplayStoreUnavailableError } from '@tokenguard/core'
import { redisReplayStore } from '@tokenguard/redis'
import { describeWithRedis } from '../support/redis-server.js'

const key = () => randomUUID().replaceAll('-', '')

describeWithRedis('Redis replay store', (server) => {
  it('a new key is remembered with SET NX PX under the prefix; the same key again is a replay', async () => {
    const redis = await server().connect()
    const store = redisReplayStore(redis, { prefix: 'test:replay:' })
    const k = key()
    assert.equal(await store.remember(k, 60_000), true)
    assert.equal(await store.remember(k, 60_000), false)
    assert.equal(await redis.get(`test:replay:${k}`), '1')
    const ttl = await redis.pttl(`test:replay:${k}`)
    assert.ok(ttl > 0 && ttl <= 60_000, `the key expires with its window (PTTL ${ttl} ms)`)
  })

  it('two API instances (two stores, two connections) sharing one Redis refuse a key the other remembered', async () => {
    const first = redisReplayStore(await server().connect())
    const second = redisReplayStore(await server().connect())
    const a = key()
    const b = key()
    assert.equal(await first.remember(a, 60_000), true)
    assert.equal(await second.remember(a, 60_000), false, 'replayed from the first instance to the second')
    assert.equal(await second.remember(b, 60_000), true)
    assert.equal(await first.remember(b, 60_000), false, 'and the other way round')
  })

  it('a race of 20 instances on one key: exactly one accepts it', async () => {
    const stores = await Promise.all(Array.from({ length: 20 }, async () => redisReplayStore(await server().connect())))
    const k = key()
    const answers = await Promise.all(stores.map((store) => store.remember(k, 60_000)))
    assert.equal(answers.filter(Boolean).length, 1)
  })

  it('a key is forgotten by Redis once its ttl has passed', async () => {
    const redis = await server().connect()
    const store = redisReplayStore(redis)
    const k = key()
    assert.equal(await store.remember(k, 50), true)
    // Redis expires the key itself; wait for that (bounded), then the key is new again
    for (let polls = 0; (await redis.exists(`tokenguard:replay:${k}`)) === 1; polls++) {
      assert.ok(polls < 500, 'Redis expired the key')
      await sleep(10)
    }
    assert.equal(await store.remember(k, 50), true)
  })

  it('refuses a wrong client, unknown options and wrong option types at creation', async () => {
    const redis = await server().connect()
    assert.throws(() => redisReplayStore({} as never), /needs a Redis client.*missing set\(\)/)
    assert.throws(() => redisReplayStore(redis, { onErorr: 'allow' } as never), /has no option "onErorr" \(known: prefix, onError, timeoutDuration, onUnavailable\)/)
    assert.throws(() => redisReplayStore(redis, { onError: 'ignore' as never }), /"onError" must be "refuse" or "allow"/)
    assert.throws(() => redisReplayStore(redis, { timeoutDuration: 0 }), /redisReplayStore "timeoutDuration" must be a positive number of milliseconds or a duration string/)
    // The verifier's rules for every duration: a unit is written below a second, bounds are named, a string's unit is read.
    assert.throws(() => redisReplayStore(redis, { timeoutDuration: 200 }), (error: Error) => error.name === 'ConfigurationError' && /redisReplayStore "timeoutDuration" is in milliseconds: 200 ms is implausible.*'200ms'/.test(error.message))
    assert.throws(() => redisReplayStore(redis, { timeoutDuration: '2m' }), /redisReplayStore "timeoutDuration" must be at most 1 min/)
    assert.throws(() => redisReplayStore(redis, { timeoutDuration: '5 s' as never }), /redisReplayStore "timeoutDuration" must be a positive number/)
    assert.doesNotThrow(() => redisReplayStore(redis, { timeoutDuration: '250ms' }))
    assert.doesNotThrow(() => redisReplayStore(redis, { timeoutDuration: 1500 }))
    assert.throws(() => redisReplayStore(redis, { prefix: 3 as never }), /"prefix" must be a non-empty string/)
    await assert.rejects(async () => redisReplayStore(redis).remember('x'.repeat(257), 1000), TypeError)
  })

  // Last: these stop the server.
  it('Redis stopped: unavailable (fail closed) by default, "allow" answers not-a-replay; both report it; back once Redis is', async () => {
    const failFast = await server().connect()
    // ioredis' defaults queue commands while reconnecting: only the store's timeoutDuration bounds the wait
    const queueing = await server().connect({ enableOfflineQueue: true, maxRetriesPerRequest: null, retryStrategy: () => 20 })
    const reported: unknown[] = []
    const refusing = redisReplayStore(failFast, { onUnavailable: (error) => reported.push(error) })
    const waiting = redisReplayStore(queueing, { timeoutDuration: '200ms' })
    const allowing = redisReplayStore(failFast, { onError: 'allow', onUnavailable: (error) => reported.push(error) })
    const seen = key()
    assert.equal(await refusing.remember(seen, 60_000), true)

    await server().stop()
    await assert.rejects(refusing.remember(key(), 60_000), ReplayStoreUnavailableError)
    await assert.rejects(refusing.remember(seen, 60_000), ReplayStoreUnavailableError, 'not even a known key is answered from nowhere')
    const started = Date.now()
    await assert.rejects(waiting.remember(key(), 60_000), (error: unknown) => {
      assert.ok(error instanceof ReplayStoreUnavailableError)
      assert.match(error.message, /no answer within 200 ms \(timeoutDuration\)/)
      return true
    })
    assert.ok(Date.now() - started >= 190, 'it waited for timeoutDuration')
    assert.equal(await allowing.remember(key(), 60_000), true, '"allow": proofs are accepted without replay detection')
    assert.equal(reported.length, 3, 'every failure reported to onUnavailable')

    await server().start()
    const k = key()
    // the queueing connection reconnects by itself: the store answers again without being recreated
    for (let attempt = 0; ; attempt++) {
      const answer = await waiting.remember(k, 60_000).catch(() => 'unavailable' as const)
      if (answer !== 'unavailable') {
        assert.equal(answer, true)
        break
      }
      assert.ok(attempt < 100, 'the store answers once Redis is back')
    }
    assert.equal(await waiting.remember(k, 60_000), false)
  })
})
