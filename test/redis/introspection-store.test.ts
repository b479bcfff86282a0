/**
 * The shared introspection cache on a real Redis server (a private redis-server, see
 * test/support/redis-server.ts) in front of a real oidc-provider issuing opaque tokens: two verifiers on
 * separate connections introspect a token once, Redis holds hashes and answers (never the token) for no
 * longer than `cacheMaxAge`, and a Redis that goes away is skipped, never an outage.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, it } from 'node:test'
import type { Redis } from 'ioredis'
import { createVerifier, type KeySourceEvent } from '@tokenguard/core'
import { redisIntrospectionStore } from '@tokenguard/redis'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { describeWithRedis } from '../support/redis-server.js'

const SECRET = 'api-secret-at-the-provider-0123456789'

describeWithRedis('Redis introspection store', (server) => {
  let as: AuthServer
  let redis: Redis
  let otherRedis: Redis
  const prefix = `tokenguard-test:${randomUUID()}:`

  before(async () => {
    as = await startAuthServer({
      accessTokenFormat: 'opaque',
      apiClients: [{ grant_types: [], response_types: [], redirect_uris: [], client_id: 'api', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' }],
    })
  })
  after(() => as?.close())

  const connections = async () => {
    redis ??= await server().connect()
    otherRedis ??= await server().connect()
  }
  const verifierOn = (connection: Redis, onEvent?: (event: KeySourceEvent) => void, keyPrefix = prefix) =>
    createVerifier({
      issuer: as.issuer,
      allowInsecureHttp: true,
      audience: as.resource,
      onEvent,
      introspection: { clientId: 'api', clientSecret: SECRET, cacheMaxAge: '30s', cacheStore: redisIntrospectionStore(connection, { prefix: keyPrefix }) },
    })

  /** Store writes do not hold up the request: polls Redis (no clock involved) until the entry is there. */
  async function storedKeys(keyPrefix = prefix): Promise<string[]> {
    for (let i = 0; i < 1000; i++) {
      const keys = await redis.keys(`${keyPrefix}*`)
      if (keys.length > 0) return keys
      await new Promise((resolve) => setImmediate(resolve))
    }
    return []
  }

  it('two instances (separate connections) introspect a token once', async () => {
    await connections()
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    const before = as.introspectionRequestCount()
    await verifierOn(redis).verify(token)
    const [key] = await storedKeys()
    assert.ok(key !== undefined, 'the answer reached Redis')
    const auth = await verifierOn(otherRedis).verify(token, { scopes: ['read:data'] })
    assert.equal(auth.claims.client_id, 'read-write-client')
    assert.equal(as.introspectionRequestCount() - before, 1, 'the second instance read the first one\'s answer')

    assert.match(key.slice(prefix.length), /^[A-Za-z0-9_-]{43}$/)
    const stored = (await redis.get(key))!
    assert.ok(!key.includes(token) && !stored.includes(token), 'neither key nor value holds the token')
    assert.ok(!stored.includes(SECRET))
    const ttl = await redis.pttl(key)
    assert.ok(ttl > 0 && ttl <= 30_000, `the entry lives no longer than cacheMaxAge (${ttl} ms)`)
  })

  it('a foreign or corrupt value under its key is a miss: the endpoint answers', async () => {
    await connections()
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    const corrupt = `${prefix}corrupt:`
    await verifierOn(redis, undefined, corrupt).verify(token)
    const [key] = await storedKeys(corrupt)
    await redis.set(key!, 'not json', 'PX', 10_000)
    const before = as.introspectionRequestCount()
    await verifierOn(otherRedis, undefined, corrupt).verify(token)
    assert.equal(as.introspectionRequestCount() - before, 1)
  })

  it('with Redis gone, tokens are still introspected; an event says the store failed', async () => {
    await connections()
    const gone = await server().connect()
    gone.disconnect()
    const events: KeySourceEvent[] = []
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    const auth = await verifierOn(gone, (event) => events.push(event)).verify(token)
    assert.equal(auth.claims.active, true)
    assert.ok(events.some((event) => event.type === 'introspection_store_failure' && event.operation === 'get'))
  })

  it('refuses a wrong client, unknown options and a bad prefix at creation', async () => {
    await connections()
    assert.throws(() => redisIntrospectionStore({} as never), /needs a Redis client.*missing get\(\), set\(\)/)
    assert.throws(() => redisIntrospectionStore(redis, { prefx: 'x' } as never), /has no option "prefx" \(known: prefix\)/)
    assert.throws(() => redisIntrospectionStore(redis, { prefix: '' }), /"prefix" must be a non-empty string/)
  })
})
