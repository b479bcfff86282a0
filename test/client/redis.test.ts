/**
 * Shared token cache on a real Redis server.
 * REDIS_URL (default redis://127.0.0.1:6379) must be reachable: the test
 * FAILS otherwise. Set TOKENGUARD_SKIP_REDIS=1 to skip it explicitly.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { createRedisStore, createTokenClient, type TokenClientOptions } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SKIP = process.env.TOKENGUARD_SKIP_REDIS === '1'

describe('Redis token store', () => {
  let as: AuthServer
  let redis: Redis
  let otherRedis: Redis
  const prefix = `tokenguard-test:${randomUUID()}:`

  before(async () => {
    if (SKIP) return
    as = await startAuthServer({ accessTokenTTL: 120 })
    const connect = async () => {
      const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null })
      let lastError: unknown
      r.on('error', (error: unknown) => {
        lastError = error // reported below; avoids ioredis' "unhandled error event" noise
      })
      try {
        await r.connect()
      } catch (error) {
        r.disconnect()
        throw new Error(
          `Redis is not reachable at ${REDIS_URL} (start redis-server, set REDIS_URL, or set TOKENGUARD_SKIP_REDIS=1 to skip): ${String(lastError ?? error)}`,
        )
      }
      return r
    }
    redis = await connect()
    otherRedis = await connect()
  })

  after(async () => {
    if (SKIP) return
    if (redis) {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length) await redis.del(...keys)
      redis.disconnect()
    }
    otherRedis?.disconnect()
    await as?.close()
  })

  const options = (extra: Partial<TokenClientOptions>): TokenClientOptions => ({
    tokenEndpoint: as.tokenEndpoint,
    clientId: as.clients.readWrite.id,
    clientSecret: as.clients.readWrite.secret,
    scope: 'read:data',
    ...extra,
  })

  it('two client instances (separate connections) share one token', async (t) => {
    if (SKIP) {
      t.skip('TOKENGUARD_SKIP_REDIS=1: Redis tests skipped on request')
      return
    }
    const first = createTokenClient(options({ store: createRedisStore(redis, { prefix }) }))
    const second = createTokenClient(options({ store: createRedisStore(otherRedis, { prefix }) }))
    const before = as.tokenRequestCount()
    const a = await first.getToken()
    const b = await second.getToken()
    assert.equal(a, b)
    assert.equal(as.tokenRequestCount() - before, 1, 'the second instance used the shared cache')

    const keys = await redis.keys(`${prefix}*`)
    assert.equal(keys.length, 1)
    const key = keys[0]!
    assert.ok(!key.includes(as.clients.readWrite.secret), 'key does not contain the secret')
    assert.ok(!key.includes(as.clients.readWrite.id), 'key is a hash')
    assert.match(key.slice(prefix.length), /^[A-Za-z0-9_-]{43}$/)
    const ttl = await redis.pttl(key)
    assert.ok(ttl > 100_000 && ttl <= 120_000, `TTL follows token expiry (${ttl} ms)`)
    const stored = JSON.parse((await redis.get(key))!) as Record<string, unknown>
    assert.equal(stored.accessToken, a)
    assert.ok(!JSON.stringify(stored).includes(as.clients.readWrite.secret))
  })

  it('invalidation through one instance is seen by the other', async (t) => {
    if (SKIP) {
      t.skip('TOKENGUARD_SKIP_REDIS=1: Redis tests skipped on request')
      return
    }
    const scopedPrefix = `${prefix}inv:`
    const first = createTokenClient(options({ store: createRedisStore(redis, { prefix: scopedPrefix }) }))
    const second = createTokenClient(options({ store: createRedisStore(otherRedis, { prefix: scopedPrefix }) }))
    const a = await first.getToken()
    await second.invalidate({}, a)
    const before = as.tokenRequestCount()
    const b = await first.getToken()
    assert.notEqual(a, b)
    assert.equal(await second.getToken(), b)
    assert.equal(as.tokenRequestCount() - before, 1)
  })

  it('ignores foreign or corrupt values under its keys', async (t) => {
    if (SKIP) {
      t.skip('TOKENGUARD_SKIP_REDIS=1: Redis tests skipped on request')
      return
    }
    const store = createRedisStore(redis, { prefix: `${prefix}corrupt:` })
    await redis.set(`${prefix}corrupt:k1`, 'not json', 'PX', 10_000)
    await redis.set(`${prefix}corrupt:k2`, JSON.stringify({ accessToken: 1 }), 'PX', 10_000)
    assert.equal(await store.get('k1'), undefined)
    assert.equal(await store.get('k2'), undefined)
    assert.equal(await store.get('missing'), undefined)
  })
})
