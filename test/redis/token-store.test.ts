/**
 * The shared token cache of @tokenguard/client on a real Redis server (a private redis-server, see
 * test/support/redis-server.ts): two client instances on separate connections share one token.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, it } from 'node:test'
import type { Redis } from 'ioredis'
import { createTokenClient, type TokenClientOptions } from '@tokenguard/client'
import { redisTokenStore } from '@tokenguard/redis'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { describeWithRedis } from '../support/redis-server.js'

describeWithRedis('Redis token store', (server) => {
  let as: AuthServer
  let redis: Redis
  let otherRedis: Redis
  const prefix = `tokenguard-test:${randomUUID()}:`

  before(async () => {
    as = await startAuthServer({ accessTokenTTL: 120 })
  })
  after(() => as?.close())

  const connections = async () => {
    redis ??= await server().connect()
    otherRedis ??= await server().connect()
  }

  const options = (extra: Partial<TokenClientOptions>): TokenClientOptions => ({
    tokenEndpoint: as.tokenEndpoint,
    clientId: as.clients.readWrite.id,
    clientSecret: as.clients.readWrite.secret,
    scope: 'read:data',
    ...extra,
  })

  it('two client instances (separate connections) share one token', async () => {
    await connections()
    const first = createTokenClient(options({ store: redisTokenStore(redis, { prefix }) }))
    const second = createTokenClient(options({ store: redisTokenStore(otherRedis, { prefix }) }))
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

  it('invalidation through one instance is seen by the other', async () => {
    await connections()
    const scopedPrefix = `${prefix}inv:`
    const first = createTokenClient(options({ store: redisTokenStore(redis, { prefix: scopedPrefix }) }))
    const second = createTokenClient(options({ store: redisTokenStore(otherRedis, { prefix: scopedPrefix }) }))
    const a = await first.getToken()
    await second.invalidate({}, a)
    const before = as.tokenRequestCount()
    const b = await first.getToken()
    assert.notEqual(a, b)
    assert.equal(await second.getToken(), b)
    assert.equal(as.tokenRequestCount() - before, 1)
  })

  it('ignores foreign or corrupt values under its keys', async () => {
    await connections()
    const store = redisTokenStore(redis, { prefix: `${prefix}corrupt:` })
    await redis.set(`${prefix}corrupt:k1`, 'not json', 'PX', 10_000)
    await redis.set(`${prefix}corrupt:k2`, JSON.stringify({ accessToken: 1 }), 'PX', 10_000)
    assert.equal(await store.get('k1'), undefined)
    assert.equal(await store.get('k2'), undefined)
    assert.equal(await store.get('missing'), undefined)
  })

  it('refuses a wrong client, unknown options and a bad prefix at creation', async () => {
    await connections()
    assert.throws(() => redisTokenStore({} as never), /needs a Redis client.*missing get\(\), set\(\), del\(\)/)
    assert.throws(() => redisTokenStore(redis, { prefx: 'x' } as never), /has no option "prefx" \(known: prefix\)/)
    assert.throws(() => redisTokenStore(redis, { prefix: '' }), /"prefix" must be a non-empty string/)
  })
})
