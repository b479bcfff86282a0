import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { createMemoryStore, createTokenClient, type CachedToken, type TokenClientOptions, type TokenStore } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { forward, startServer, type TestServer } from '../support/http-server.js'

describe('token caching, refresh ahead and single flight', () => {
  let as: AuthServer
  let shortLived: AuthServer

  before(async () => {
    as = await startAuthServer({ accessTokenTTL: 300 })
    shortLived = await startAuthServer({ accessTokenTTL: 2 })
  })
  after(async () => {
    await as.close()
    await shortLived.close()
  })

  const readWrite = (server: AuthServer, extra: Partial<TokenClientOptions> = {}): TokenClientOptions => ({
    tokenEndpoint: server.tokenEndpoint,
    clientId: server.clients.readWrite.id,
    clientSecret: server.clients.readWrite.secret,
    scope: 'read:data',
    ...extra,
  })

  it('serves repeated calls from the cache', async () => {
    const client = createTokenClient(readWrite(as))
    const before = as.tokenRequestCount()
    const first = await client.getToken()
    for (let i = 0; i < 20; i += 1) assert.equal(await client.getToken(), first)
    assert.equal(as.tokenRequestCount() - before, 1)
    const response = await client.getTokenResponse()
    assert.equal(response.accessToken, first)
    assert.equal(response.scope, 'read:data')
    assert.equal(response.raw.token_type, 'Bearer')
    assert.ok(Math.abs(response.expiresAt - response.obtainedAt - 300_000) < 1000)
  })

  it('single flight: 100 concurrent callers cause one request at the AS', async () => {
    const client = createTokenClient(readWrite(as))
    const before = as.tokenRequestCount()
    const tokens = await Promise.all(Array.from({ length: 100 }, () => client.getToken()))
    assert.equal(as.tokenRequestCount() - before, 1, 'requests counted at the AS')
    assert.equal(new Set(tokens).size, 1)
  })

  it('single flight is per cache key: different scopes/resources are separate tokens', async () => {
    const client = createTokenClient(readWrite(as))
    const before = as.tokenRequestCount()
    const calls = []
    for (let i = 0; i < 30; i += 1) {
      calls.push(client.getToken({ scope: 'read:data' }))
      calls.push(client.getToken({ scope: 'write:data read:data' }))
      calls.push(client.getToken({ scope: ['read:data', 'write:data'] })) // same set, other order
    }
    const tokens = await Promise.all(calls)
    assert.equal(as.tokenRequestCount() - before, 2)
    assert.equal(decodeJwt(tokens[0]!).scope, 'read:data')
    assert.equal(decodeJwt(tokens[1]!).scope, 'read:data write:data')
    assert.equal(tokens[1], tokens[2])
  })

  it('refreshes ahead of expiry: default window is 10 % of the lifetime', async (t) => {
    // 5 s tokens → refresh from 4.5 s on (no jitter for determinism). Date stands still and the test moves
    // it (timers and I/O stay real): 3.5 s and 4.6 s are instants, however long a loaded machine's requests take.
    const fiveSeconds = await startAuthServer({ accessTokenTTL: 5 })
    try {
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
      const client = createTokenClient(readWrite(fiveSeconds, { refreshJitterDuration: 0 }))
      const first = await client.getTokenResponse()
      t.mock.timers.tick(first.obtainedAt + 3500 - Date.now())
      assert.equal((await client.getTokenResponse()).accessToken, first.accessToken, 'still fresh at 3.5 s')
      t.mock.timers.tick(first.obtainedAt + 4600 - Date.now())
      const second = await client.getTokenResponse()
      assert.notEqual(second.accessToken, first.accessToken, 'refreshed inside the window')
      assert.ok(second.obtainedAt < first.expiresAt, 'refresh happened before the old token expired')
      assert.equal(fiveSeconds.tokenRequestCount(), 2)
    } finally {
      await fiveSeconds.close()
    }
  })

  it('honours refreshAheadDuration and refreshes once for many concurrent callers', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() }) // moved by the test only
    const client = createTokenClient(readWrite(shortLived, { refreshAheadDuration: 1700, refreshJitterDuration: 0 }))
    const before = shortLived.tokenRequestCount()
    const first = await client.getToken()
    t.mock.timers.tick(350) // past 2000 - 1700 ms
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getToken()))
    assert.equal(new Set(tokens).size, 1)
    assert.notEqual(tokens[0], first)
    assert.equal(shortLived.tokenRequestCount() - before, 2)
  })

  it('keeps using a still-valid token when a refresh fails, and recovers later', async (t) => {
    // moved by the test only: the old token is still valid (600 of its 2000 ms) however slow the requests are
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    let failing = false
    const gateway = await startServer(async (req, res) => {
      if (failing) {
        res.writeHead(503).end()
        return
      }
      await forward(req, res, shortLived.tokenEndpoint)
    })
    const warnings: string[] = []
    try {
      const client = createTokenClient(
        readWrite(shortLived, {
          tokenEndpoint: `${gateway.url}/token`,
          refreshAheadDuration: 1500,
          refreshJitterDuration: 0,
          retry: false,
          logger: { warn: (message) => warnings.push(message) },
        }),
      )
      const first = await client.getToken()
      t.mock.timers.tick(600)
      failing = true
      assert.equal(await client.getToken(), first, 'old token handed out while the AS fails')
      assert.equal(warnings.length, 1)
      failing = false
      const second = await client.getToken()
      assert.notEqual(second, first)
    } finally {
      await gateway.close()
    }
  })

  it('forceRefresh bypasses the cache; invalidate drops it', async () => {
    const client = createTokenClient(readWrite(as))
    const before = as.tokenRequestCount()
    const a = await client.getToken()
    const b = await client.getToken({ forceRefresh: true })
    assert.notEqual(a, b)
    assert.equal(await client.getToken(), b)
    await client.invalidate({}, 'some-other-token') // not the cached one: kept
    assert.equal(await client.getToken(), b)
    await client.invalidate()
    const c = await client.getToken()
    assert.notEqual(c, b)
    assert.equal(as.tokenRequestCount() - before, 3)
  })

  it('tokens are cached per resource (audience)', async () => {
    const multi = await startAuthServer({ extraResources: ['https://billing.tokenguard.test'] })
    try {
      const client = createTokenClient(readWrite(multi))
      const apiToken = await client.getToken()
      const billingToken = await client.getToken({ resource: 'https://billing.tokenguard.test' })
      assert.equal(decodeJwt(apiToken).aud, multi.resource)
      assert.equal(decodeJwt(billingToken).aud, 'https://billing.tokenguard.test')
      assert.equal(await client.getToken({ resource: 'https://billing.tokenguard.test' }), billingToken)
      assert.equal(multi.tokenRequestCount(), 2)
    } finally {
      await multi.close()
    }
  })
})

describe('refresh-ahead window and jitter', () => {
  // A real local token endpoint; each request returns a new token.
  let server: TestServer
  before(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: `t-${Math.random()}`, token_type: 'Bearer', expires_in: 3600 }))
    })
  })
  after(() => server.close())

  /**
   * A store (the public TokenStore interface) that already holds a token of
   * `lifetime` ms with `remaining` ms left under whatever key the client uses.
   */
  function seededStore(lifetime: number, remaining: number): TokenStore {
    const inner = createMemoryStore()
    let seeded = false
    return {
      async get(key) {
        if (!seeded) {
          seeded = true
          const now = Date.now()
          const token: CachedToken = {
            accessToken: 'seeded',
            tokenType: 'Bearer',
            expiresAt: now + remaining,
            obtainedAt: now + remaining - lifetime,
            scope: undefined,
            raw: {},
          }
          await inner.set(key, token, remaining)
        }
        return inner.get(key)
      },
      set: (key, value, ttl) => inner.set(key, value, ttl),
      delete: (key) => inner.delete(key),
    }
  }

  async function refreshes(lifetime: number, remaining: number, extra: Partial<TokenClientOptions> = {}) {
    const client = createTokenClient({
      tokenEndpoint: `${server.url}/token`,
      clientId: 'window-client',
      clientSecret: 'window-secret',
      store: seededStore(lifetime, remaining),
      refreshJitterDuration: 0,
      ...extra,
    })
    return (await client.getToken()) !== 'seeded'
  }

  it('default window: 10 % of the lifetime for short tokens', async () => {
    assert.equal(await refreshes(100_000, 11_000), false)
    assert.equal(await refreshes(100_000, 9_000), true)
  })

  it('default window: at most 60 s for long tokens', async () => {
    // 10 % of 1 h would be 6 min; the cap keeps a token with 70 s left.
    assert.equal(await refreshes(3_600_000, 70_000), false)
    assert.equal(await refreshes(3_600_000, 55_000), true)
  })

  it('refreshAheadDuration overrides the default', async () => {
    assert.equal(await refreshes(3_600_000, 100_000, { refreshAheadDuration: 120_000 }), true)
    assert.equal(await refreshes(3_600_000, 100_000, { refreshAheadDuration: 90_000 }), false)
  })

  it('jitter spreads the refresh moment across client instances', async () => {
    // Window 0 + jitter up to 10 s; 5 s left → about half of the instances refresh now.
    const decisions = await Promise.all(
      Array.from({ length: 200 }, () => refreshes(3_600_000, 5_000, { refreshAheadDuration: 0, refreshJitterDuration: 10_000 })),
    )
    const count = decisions.filter(Boolean).length
    assert.ok(count > 40 && count < 160, `expected a spread, got ${count}/200 refreshing`)
    // With no jitter they all agree.
    const lockstep = await Promise.all(Array.from({ length: 50 }, () => refreshes(3_600_000, 5_000, { refreshAheadDuration: 0 })))
    assert.equal(lockstep.filter(Boolean).length, 0)
  })
})
