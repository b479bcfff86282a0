/**
 * The cache of introspection answers, observed from outside: every request that reaches the real
 * introspection server on 127.0.0.1 is counted, and time moves only when the test moves the cache's
 * clock (`introspection.cache.now`), with the verified-token cache off wherever that clock is not the
 * system's. Concurrency is made visible by holding answers at the server, never by waiting.
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { createVerifier, type IntrospectionCacheStore, type IntrospectionOptions, type KeySourceEvent, type VerifierOptions } from '@tokenguard/core'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { opaqueToken, startIntrospectionServer, type IntrospectionServer } from '../support/introspection-server.js'
import { expectRefusal } from '../support/refusal.js'

let as: IntrospectionServer

before(async () => {
  as = await startIntrospectionServer()
})
after(() => as.close())
beforeEach(() => {
  as.behaviour = { kind: 'ok' }
})

/** A clock the test moves, in epoch milliseconds. */
function manualClock(start = Date.now()) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

function verifierFor(introspection: Partial<IntrospectionOptions> = {}, options: Partial<VerifierOptions> = {}) {
  return createVerifier({
    issuer: as.issuer,
    allowInsecureHttp: true,
    audience: TEST_AUDIENCE,
    ...options,
    introspection: { endpoint: as.endpoint, clientId: as.clientId, clientSecret: as.clientSecret, ...introspection },
  })
}

function activeToken(members: Record<string, unknown> = {}): string {
  const token = opaqueToken()
  const now = Math.floor(Date.now() / 1000)
  as.answers.set(token, { active: true, iss: as.issuer, aud: TEST_AUDIENCE, client_id: 'client-1', scope: 'read:data', exp: now + 3600, ...members })
  return token
}

async function requestsDuring(run: () => Promise<unknown>): Promise<number> {
  const before = as.count()
  await run()
  return as.count() - before
}

describe('one token, many requests', () => {
  for (const tokenCache of [undefined, false] as const) {
    test(`1000 verifications of one token make one introspection (verified-token cache ${tokenCache === false ? 'off' : 'on'})`, async () => {
      const verifier = verifierFor({}, { tokenCache })
      const token = activeToken()
      assert.equal(await requestsDuring(async () => {
        for (let i = 0; i < 1000; i++) await verifier.verify(token)
      }), 1)
    })
  }

  test('single flight: 50 concurrent requests with one token wait on one introspection', async () => {
    const verifier = verifierFor()
    const token = activeToken()
    const held = as.hold()
    const before = as.count()
    const all = Promise.all(Array.from({ length: 50 }, () => verifier.verify(token)))
    await held.waitFor(1)
    assert.equal(as.inFlight(), 1)
    held.release()
    assert.equal((await all).length, 50)
    assert.equal(as.count() - before, 1)
  })

  test('distinct tokens are introspected each on its own', async () => {
    const verifier = verifierFor()
    const tokens = Array.from({ length: 5 }, () => activeToken())
    assert.equal(await requestsDuring(() => Promise.all(tokens.map((token) => verifier.verify(token)))), 5)
  })
})

describe('how long an answer lives', () => {
  test('an accepted answer lives for cacheMaxAge, then the token is introspected again', async () => {
    const clock = manualClock()
    const verifier = verifierFor({ cacheMaxAge: '1m', cache: { now: clock.now } }, { tokenCache: false })
    const token = activeToken()
    assert.equal(await requestsDuring(() => verifier.verify(token)), 1)
    clock.advance(59_000)
    assert.equal(await requestsDuring(() => verifier.verify(token)), 0)
    clock.advance(2_000)
    assert.equal(await requestsDuring(() => verifier.verify(token)), 1)
  })

  test("never past the token's exp: the entry ends at exp even when cacheMaxAge is longer", async () => {
    const clock = manualClock()
    const exp = Math.floor(clock.now() / 1000) + 30
    const verifier = verifierFor({ cacheMaxAge: '1h', cache: { now: clock.now } }, { tokenCache: false, clockTolerance: 0 })
    const token = activeToken({ exp })
    await verifier.verify(token)
    clock.advance(29_000 - (clock.now() % 1000))
    assert.equal(await requestsDuring(() => verifier.verify(token)), 0)
    clock.advance(2_000)
    // Past exp the entry is gone; the answer (still saying active) is judged and refused on its exp.
    assert.equal(await requestsDuring(() => expectRefusal(verifier.verify(token), 'token_expired')), 1)
  })

  test('cacheMaxAge 0 introspects on every request, the verified-token cache included', async () => {
    const verifier = verifierFor({ cacheMaxAge: 0 })
    const token = activeToken()
    assert.equal(await requestsDuring(async () => {
      for (let i = 0; i < 3; i++) await verifier.verify(token)
    }), 3)
  })

  test('an inactive token is remembered for negativeCacheMaxAge: a client retrying it cannot flood the server', async () => {
    const clock = manualClock()
    const verifier = verifierFor({ negativeCacheMaxAge: '10s', cache: { now: clock.now } })
    const token = opaqueToken()
    assert.equal(await requestsDuring(async () => {
      for (let i = 0; i < 100; i++) await expectRefusal(verifier.verify(token), 'token_inactive', 401)
    }), 1)
    clock.advance(10_001)
    assert.equal(await requestsDuring(() => verifier.verify(token).catch(() => undefined)), 1)
  })

  test('a token this API refuses (another audience) is remembered as refused, with the same reason', async () => {
    const verifier = verifierFor()
    const token = activeToken({ aud: 'https://other.example' })
    assert.equal(await requestsDuring(async () => {
      await expectRefusal(verifier.verify(token), 'audience_mismatch')
      await expectRefusal(verifier.verify(token), 'audience_mismatch')
    }), 1)
  })
})

describe('bounds', () => {
  test('a flood of garbage fills the refusing side only: accepted answers stay, and the refusing side is bounded', async () => {
    const verifier = verifierFor({ cache: { max: 2, negativeMax: 5 } }, { tokenCache: false })
    const good = [activeToken(), activeToken()]
    assert.equal(await requestsDuring(() => Promise.all(good.map((token) => verifier.verify(token)))), 2)
    const garbage = Array.from({ length: 100 }, () => opaqueToken())
    for (const token of garbage) await verifier.verify(token).catch(() => undefined)
    assert.equal(await requestsDuring(() => Promise.all(good.map((token) => verifier.verify(token)))), 0, 'accepted answers survived the flood')
    assert.equal(await requestsDuring(() => verifier.verify(garbage[0]!).catch(() => undefined)), 1, 'the oldest garbage was evicted')
    assert.equal(await requestsDuring(() => verifier.verify(garbage[99]!).catch(() => undefined)), 0, 'the newest garbage is remembered')
  })

  test('accepted answers are bounded by bytes as well as by count', async () => {
    const verifier = verifierFor({ cache: { maxSize: 4096 } }, { tokenCache: false })
    const big = activeToken({ pad: 'x'.repeat(8192) })
    assert.equal(await requestsDuring(() => verifier.verify(big)), 1)
    assert.equal(await requestsDuring(() => verifier.verify(big)), 1, 'too large to keep')
  })
})

/** A shared store as a fleet would use (Redis in @tokenguard/redis), here a map with expiry. */
function memoryStore(clock: () => number = Date.now) {
  const entries = new Map<string, { value: string; until: number }>()
  const store: IntrospectionCacheStore & { entries: typeof entries; ttls: number[] } = {
    entries,
    ttls: [],
    async get(key) {
      const entry = entries.get(key)
      return entry !== undefined && clock() < entry.until ? entry.value : undefined
    },
    async set(key, value, ttlMs) {
      store.ttls.push(ttlMs)
      entries.set(key, { value, until: clock() + ttlMs })
    },
  }
  return store
}

describe('a shared store', () => {
  test('a fleet introspects a token once: the second instance reads the first one\'s answer', async () => {
    const store = memoryStore()
    const events: KeySourceEvent[] = []
    const first = verifierFor({ cacheStore: store })
    const second = verifierFor({ cacheStore: store }, { onEvent: (event) => events.push(event) })
    const token = activeToken()
    assert.equal(await requestsDuring(() => first.verify(token)), 1)
    await waitUntil(() => store.entries.size === 1)
    assert.equal(await requestsDuring(() => second.verify(token)), 0)
    assert.deepEqual(events, [])
  })

  test('the store holds hashes and answers, never the token, and never for longer than cacheMaxAge', async () => {
    const store = memoryStore()
    const token = activeToken()
    await verifierFor({ cacheStore: store, cacheMaxAge: '30s' }).verify(token)
    await waitUntil(() => store.entries.size === 1)
    const [[key, { value }]] = [...store.entries]
    assert.match(key, /^[A-Za-z0-9_-]{43}$/)
    assert.ok(!key.includes(token) && !value.includes(token))
    assert.ok(store.ttls[0]! <= 30_000 && store.ttls[0]! > 0)
  })

  test('a failing or corrupt store is no outage: the endpoint answers, an event says why', async () => {
    const events: KeySourceEvent[] = []
    const failing: IntrospectionCacheStore = { get: async () => Promise.reject(new Error('connection reset')), set: async () => Promise.reject(new Error('read only')) }
    const token = activeToken()
    await verifierFor({ cacheStore: failing }, { onEvent: (event) => events.push(event) }).verify(token)
    await waitUntil(() => events.length === 2)
    assert.deepEqual(events.map((event) => event.type === 'introspection_store_failure' && event.operation).sort(), ['get', 'set'])
    const corrupt: IntrospectionCacheStore = { get: async () => '{"v":1,"r":"not an object"}', set: async () => undefined }
    assert.equal(await requestsDuring(() => verifierFor({ cacheStore: corrupt }).verify(token)), 1)
  })

  test('an answer read from the store is judged by this instance\'s rules', async () => {
    const store = memoryStore()
    const token = activeToken()
    await verifierFor({ cacheStore: store }).verify(token)
    await waitUntil(() => store.entries.size === 1)
    const strict = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: 'https://another-api.example', introspection: { endpoint: as.endpoint, clientId: as.clientId, clientSecret: as.clientSecret, cacheStore: store } })
    assert.equal(await requestsDuring(() => expectRefusal(strict.verify(token), 'audience_mismatch')), 0)
  })
})

/** Store writes are fire-and-forget: yields to the event loop until `done` (no clock involved). */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
  assert.ok(done(), 'condition not reached')
}
