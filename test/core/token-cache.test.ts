/**
 * The verified-token cache, observed from outside through a real key server on 127.0.0.1.
 *
 * To make every call to the key source visible, these verifiers use `maxStaleDuration: '1ms'`: keys are
 * then too old at every later `getKey` call, so each full check refetches the key set, and
 * `counts.jwks` counts full checks. A cache hit skips the key source and leaves the count unchanged.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { expectRefusal } from '../support/refusal.js'

let server: KeyServer

before(async () => {
  server = await startKeyServer()
})
after(() => server.close())

function verifierFor(extra: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...extra })
}

/** Key-set fetches during `run`. */
async function fetchesDuring(run: () => Promise<void>): Promise<number> {
  const before = server.counts.jwks
  await run()
  return server.counts.jwks - before
}

/** Verifies `token` `times` times, a few ms apart so that the 1 ms staleness is always exceeded. */
async function verifyRepeatedly(verifier: ReturnType<typeof createVerifier>, token: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await sleep(3)
    await verifier.verify(token)
  }
}

describe('verified-token cache', () => {
  test('the counting device works: without the cache, every verify calls the key source', async () => {
    const verifier = verifierFor({ tokenCache: false, maxStaleDuration: '1ms' })
    const token = await server.mint()
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, token, 5)), 5)
  })

  test('a token is stored on its second verification: from the third on, verify does not call the key source', async () => {
    const verifier = verifierFor({ maxStaleDuration: '1ms' })
    const token = await server.mint()
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, token, 1)), 1)
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, token, 5)), 1, 'the second is checked in full and stored')
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, token, 5)), 0)
    const other = await server.mint()
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, other, 3)), 2, 'another token is checked in full twice')
  })

  test('a token seen once is not stored (cache admission): its second verify is a full check too', async () => {
    const verifier = verifierFor({ maxStaleDuration: '1ms' })
    const tokens = await Promise.all([1, 2, 3].map(() => server.mint()))
    assert.equal(await fetchesDuring(async () => {
      for (const token of tokens) await verifyRepeatedly(verifier, token, 1)
    }), 3)
    assert.equal(await fetchesDuring(async () => {
      for (const token of tokens) await verifyRepeatedly(verifier, token, 1)
    }), 3)
    assert.equal(await fetchesDuring(async () => {
      for (const token of tokens) await verifyRepeatedly(verifier, token, 1)
    }), 0)
  })

  test('with default settings the key set is fetched once for many verifications', async () => {
    const verifier = verifierFor()
    const discoveries = server.counts.discovery
    const tokens = await Promise.all([1, 2, 3].map(() => server.mint()))
    assert.equal(await fetchesDuring(async () => {
      for (const token of [...tokens, ...tokens, ...tokens]) await verifier.verify(token)
    }), 1)
    assert.equal(server.counts.discovery - discoveries, 1)
  })

  test('a cache hit still applies the per-call requirements', async () => {
    const verifier = verifierFor({ maxStaleDuration: '1ms' })
    const token = await server.mint({ scope: 'read:data' })
    await verifier.verify(token, { scopes: ['read:data'] })
    await verifyRepeatedly(verifier, token, 1) // stored on its second verification (cache admission)
    const fetches = await fetchesDuring(async () => {
      await expectRefusal(verifier.verify(token, { scopes: ['write:data'] }), 'insufficient_scope', 403)
    })
    assert.equal(fetches, 0, 'the refusal came from the cached result')
  })

  test('a cached token still expires', async (t) => {
    const verifier = verifierFor({ clockTolerance: 0, maxStaleDuration: '1ms' })
    const exp = Math.ceil((Date.now() + 500) / 1000)
    const token = await server.mint({ exp })
    // The clock stands still while the token is verified and cached (however slowly a loaded machine does
    // it, it stays valid), and moves only past maxStaleDuration and then past exp (timers and I/O stay real).
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const tick = (ms: number) => t.mock.timers.tick(ms)
    await verifier.verify(token)
    tick(3)
    await verifier.verify(token) // stored on its second verification (cache admission)
    tick(3) // the key set is stale again: a full check would fetch it, so a zero count is a cache hit
    assert.equal(await fetchesDuring(() => verifier.verify(token).then(() => undefined)), 0, 'the third verify was a cache hit')
    tick(exp * 1000 - Date.now() + 20)
    await expectRefusal(verifier.verify(token), 'token_expired', 401)
  })

  test('failures are not cached: a refused token is checked again each time', async () => {
    const verifier = verifierFor({ maxStaleDuration: '1ms' })
    const token = await server.mint({ aud: 'https://other.example' })
    const fetches = await fetchesDuring(async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(3)
        await expectRefusal(verifier.verify(token), 'audience_mismatch')
      }
    })
    assert.equal(fetches, 3)
  })

  test('tokenCache: false verifies every time and still accepts good tokens', async () => {
    const verifier = verifierFor({ tokenCache: false })
    const token = await server.mint()
    for (let i = 0; i < 3; i++) assert.equal((await verifier.verify(token)).claims.sub, 'client-1')
  })

  test('a small cache evicts the least recently used token', async () => {
    const verifier = verifierFor({ tokenCache: { max: 1 }, maxStaleDuration: '1ms' })
    const [a, b] = await Promise.all([server.mint(), server.mint()])
    // Each stored on its second verification; b, seen as often as a, gets in only once seen more often.
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, a!, 3)), 2)
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, b!, 5)), 4)
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, b!, 1)), 0, 'b is in')
    assert.equal(await fetchesDuring(() => verifyRepeatedly(verifier, a!, 1)), 1, 'a was evicted by b')
  })
})

describe('the cache never outlives a removed key', () => {
  let rotating: TestIssuer

  before(async () => {
    rotating = await createTestIssuer()
  })
  after(() => rotating.stop())

  test('after the key leaves the key set, its cached tokens are refused', async () => {
    const verifier = createVerifier({ issuer: rotating.issuer, allowInsecureHttp: true, audience: rotating.audience })
    const old = rotating.keys[0]!
    const token = await rotating.sign()
    await verifier.verify(token)
    await verifier.verify(token)
    const next = await rotating.rotate({ drop: true })
    await verifier.keySource.refresh()
    await expectRefusal(verifier.verify(token), 'key_not_found', 401)
    assert.equal((await verifier.verify(await rotating.sign())).claims.sub, rotating.clientId)
    assert.notEqual(old.kid, next.kid)
  })

  test('adding a key keeps cached tokens (only removals drop the cache)', async () => {
    const verifier = createVerifier({ issuer: rotating.issuer, allowInsecureHttp: true, audience: rotating.audience, maxStaleDuration: '1ms' })
    const token = await rotating.sign()
    await verifier.verify(token)
    await verifier.verify(token) // stored on its second verification (cache admission)
    await rotating.rotate()
    await verifier.keySource.refresh()
    const before = rotating.requests.jwks
    await sleep(3)
    await verifier.verify(token)
    assert.equal(rotating.requests.jwks, before, 'a cache hit: the stale key set was not consulted')
  })
})
