/**
 * Several trusted issuers behind one verifier (list or resolver), each with its own keys (RFC 8725 §3.8),
 * against real key servers on 127.0.0.1 and a recording server that plays an untrusted issuer.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier, type IssuerEntry, type IssuerResolver } from '@tokenguard/core'
import { startServer, type TestServer } from '../support/http-server.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { TEST_SECRET } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let a: KeyServer
let b: KeyServer
let c: KeyServer
let untrusted: TestServer

before(async () => {
  ;[a, b, c] = await Promise.all([startKeyServer(), startKeyServer(), startKeyServer()])
  untrusted = await startServer((_req, res) => void res.writeHead(404).end())
})
after(async () => {
  await Promise.all([a.close(), b.close(), c.close(), untrusted.close()])
})

const totalRequests = (...servers: KeyServer[]) => servers.reduce((sum, s) => sum + s.counts.discovery + s.counts.rfc8414 + s.counts.jwks + s.counts.other, 0)

describe('a list of issuers', () => {
  const listed = () => createVerifier({ issuers: [{ issuer: a.issuer }, { issuer: b.issuer }], allowInsecureHttp: true, audience: TEST_AUDIENCE })

  test('the tokens of each issuer verify with the keys of that issuer', async () => {
    const verifier = listed()
    assert.equal((await verifier.verify(await a.mint())).claims.iss, a.issuer)
    assert.equal((await verifier.verify(await b.mint())).claims.iss, b.issuer)
  })

  test('a token signed with the key of A but claiming to be from B is refused: keys are never pooled', async () => {
    const verifier = listed()
    await verifier.ready() // both key sets are loaded: pooling, if any, would find A's key
    await verifier.verify(await a.mint())
    await expectRefusal(verifier.verify(await b.mint({}, { key: a.published[0]! })), 'key_not_found', 401)
  })

  test('even under the same kid, the key set of B does not verify a signature by A', async () => {
    const [keyA, keyB] = await Promise.all([generateSigningKey('RS256', 'shared'), generateSigningKey('RS256', 'shared')])
    const [sa, sb] = await Promise.all([startKeyServer({ keys: [keyA] }), startKeyServer({ keys: [keyB] })])
    try {
      const verifier = createVerifier({ issuers: [{ issuer: sa.issuer }, { issuer: sb.issuer }], allowInsecureHttp: true, audience: TEST_AUDIENCE })
      await verifier.verify(await sa.mint())
      await verifier.verify(await sb.mint())
      await expectRefusal(verifier.verify(await sb.mint({}, { key: keyA })), 'signature_invalid', 401)
    } finally {
      await Promise.all([sa.close(), sb.close()])
    }
  })

  test('an untrusted iss is refused without any request to any server', async () => {
    const verifier = listed()
    const before = totalRequests(a, b)
    await expectRefusal(verifier.verify(await a.mint({ iss: untrusted.url })), 'issuer_not_trusted', 401)
    await expectRefusal(verifier.verify(await a.mint({ iss: `${a.issuer}/` })), 'issuer_not_trusted', 401)
    await expectRefusal(verifier.verify(await a.mint({ iss: [a.issuer] as unknown as string })), 'issuer_not_trusted', 401)
    await expectRefusal(verifier.verify(await a.mint({}, { omit: ['iss'] })), 'issuer_not_trusted', 401)
    await expectRefusal(verifier.verify('not.a.jwt'), 'token_malformed', 401)
    assert.equal(untrusted.requests.length, 0, 'the untrusted issuer was never contacted')
    assert.equal(totalRequests(a, b), before, 'the trusted issuers were not contacted either')
  })

  test('per-issuer audience and scope claims override the top level', async () => {
    const verifier = createVerifier({
      issuers: [{ issuer: a.issuer, audience: 'https://a.api.test', scopeClaims: ['scp'] }, { issuer: b.issuer }],
      allowInsecureHttp: true,
      audience: TEST_AUDIENCE,
    })
    const fromA = await verifier.verify(await a.mint({ aud: 'https://a.api.test', scope: 'read:data', scp: ['a:read'] }))
    assert.deepEqual([...fromA.scopes], ['a:read'])
    await expectRefusal(verifier.verify(await a.mint({ aud: TEST_AUDIENCE })), 'audience_mismatch', 401)
    const fromB = await verifier.verify(await b.mint({ scope: 'read:data', scp: ['b:read'] }))
    assert.deepEqual([...fromB.scopes], ['read:data'])
    await expectRefusal(verifier.verify(await b.mint({ aud: 'https://a.api.test' })), 'audience_mismatch', 401)
    assert.deepEqual(verifier.settings.issuers, [a.issuer, b.issuer])
    assert.deepEqual([...verifier.settings.audience].sort(), ['https://a.api.test', TEST_AUDIENCE].sort())
  })

  test('top-level keys (jwks, jwksUri, secret) beside a list are refused: every issuer would share them', async () => {
    const shared = [{ jwks: { keys: [a.published[0]!.publicJwk] } }, { jwksUri: a.jwksUri }, { secret: TEST_SECRET }]
    for (const keys of shared) {
      const options = { issuers: [{ issuer: a.issuer }, { issuer: b.issuer }], allowInsecureHttp: true, audience: TEST_AUDIENCE, ...keys }
      let verifier: ReturnType<typeof createVerifier> | undefined
      try {
        // The types forbid this already; the runtime check is for JavaScript callers and casts.
        verifier = createVerifier(options as unknown as Parameters<typeof createVerifier>[0])
      } catch (error) {
        assert.ok(error instanceof TypeError, String(error))
        continue
      }
      // Accepted: show the consequence, then fail. A's key vouches for a token that claims to come from B.
      const forged = await b.mint({}, { key: a.published[0]! })
      const outcome = await verifier.verify(forged).then(() => 'accepted', (error: { reason?: string }) => `refused (${error.reason})`)
      assert.fail(`${Object.keys(keys)[0]} beside "issuers" was accepted; a token signed by A claiming iss B was ${outcome}`)
    }
  })

  test('settings list every issuer and audience; request options stay at the top level', () => {
    const verifier = createVerifier({
      issuers: [{ issuer: a.issuer, algorithms: ['ES256'] }, { issuer: b.issuer, audience: ['x', 'y'] }],
      allowInsecureHttp: true,
      audience: TEST_AUDIENCE,
      realm: 'multi',
      allowQueryToken: true,
    })
    assert.deepEqual(verifier.settings.issuers, [a.issuer, b.issuer])
    assert.deepEqual([...verifier.settings.audience].sort(), [TEST_AUDIENCE, 'x', 'y'].sort())
    assert.ok(verifier.settings.algorithms.includes('ES256') && verifier.settings.algorithms.includes('RS256'))
    assert.equal(verifier.settings.challenge.realm, 'multi')
    assert.equal(verifier.settings.extract.allowQueryToken, true)
  })

  test('ready() warms every listed issuer', async () => {
    const verifier = listed()
    const before = [a.counts.discovery, a.counts.jwks, b.counts.discovery, b.counts.jwks]
    await verifier.ready()
    assert.deepEqual([a.counts.discovery, a.counts.jwks, b.counts.discovery, b.counts.jwks], before.map((n) => n + 1))
  })
})

describe('a resolver', () => {
  /** A resolver that trusts `trusted`, answers after a delay, and counts calls per issuer. */
  function countingResolver(trusted: (iss: string) => IssuerEntry | undefined, delayMs = 20) {
    const calls = new Map<string, number>()
    const resolve: IssuerResolver = async (iss) => {
      calls.set(iss, (calls.get(iss) ?? 0) + 1)
      await sleep(delayMs)
      return trusted(iss)
    }
    return { resolve, calls }
  }
  const trustAB = (iss: string) => ([a.issuer, b.issuer].includes(iss) ? { issuer: iss } : undefined)

  test('called once per issuer, even for concurrent first requests (single flight)', async () => {
    const { resolve, calls } = countingResolver(trustAB)
    const verifier = createVerifier({ issuers: resolve, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    const tokens = await Promise.all([...Array(8)].map((_, i) => (i % 2 === 0 ? a : b).mint()))
    const results = await Promise.all(tokens.map((token) => verifier.verify(token)))
    assert.equal(results.length, 8)
    assert.deepEqual(Object.fromEntries(calls), { [a.issuer]: 1, [b.issuer]: 1 })
    await verifier.verify(await a.mint())
    assert.equal(calls.get(a.issuer), 1)
  })

  test('undefined refuses, without contacting the issuer, and is remembered for a while (issue 12 finding 4: refusals are not asked again)', async () => {
    const { resolve, calls } = countingResolver(trustAB, 0)
    const verifier = createVerifier({ issuers: resolve, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    await expectRefusal(verifier.verify(await a.mint({ iss: untrusted.url })), 'issuer_not_trusted', 401)
    await expectRefusal(verifier.verify(await a.mint({ iss: untrusted.url })), 'issuer_not_trusted', 401)
    assert.equal(calls.get(untrusted.url), 1)
    assert.equal(untrusted.requests.length, 0)
  })

  test('a throwing resolver is an outage: 503, not a verdict on the token', async () => {
    const verifier = createVerifier({
      issuers: () => {
        throw new Error('tenant database down')
      },
      allowInsecureHttp: true,
      audience: TEST_AUDIENCE,
    })
    await expectRefusal(verifier.verify(await a.mint()), 'keys_unavailable', 503)
    const rejecting = createVerifier({ issuers: async () => Promise.reject(new Error('down')), allowInsecureHttp: true, audience: TEST_AUDIENCE })
    await expectRefusal(rejecting.verify(await a.mint()), 'keys_unavailable', 503)
  })

  test('a hanging resolver is cut off after timeoutDuration: 503', async () => {
    const verifier = createVerifier({ issuers: () => new Promise<undefined>(() => undefined), allowInsecureHttp: true, audience: TEST_AUDIENCE, timeoutDuration: '200ms' })
    const started = Date.now()
    await expectRefusal(verifier.verify(await a.mint()), 'keys_unavailable', 503)
    assert.ok(Date.now() - started < 2_000, 'the request did not wait for the resolver forever')
  })

  test('a flood of invented issuers neither evicts a trusted one nor refetches its keys', async () => {
    const verifier = createVerifier({ issuers: trustAB, allowInsecureHttp: true, audience: TEST_AUDIENCE, maxIssuers: 2 })
    await verifier.verify(await a.mint())
    const fetchesBefore = a.counts.jwks + a.counts.discovery
    for (let round = 0; round < 5; round++) {
      const junk = await Promise.all(Array.from({ length: 20 }, (_, i) => a.mint({ iss: `https://invented-${round}-${i}.example` })))
      await Promise.all(junk.map((token) => expectRefusal(verifier.verify(token), 'issuer_not_trusted', 401)))
      await verifier.verify(await a.mint({ jti: `real-${round}` }))
    }
    assert.equal(a.counts.jwks + a.counts.discovery, fetchesBefore, 'A kept its key source')
  })

  test('options for another issuer are refused', async () => {
    // Asked about an untrusted iss, the resolver answers with A's options: the token (signed with A's
    // key) must still be refused, or any issuer could borrow A's trust.
    const verifier = createVerifier({ issuers: () => ({ issuer: a.issuer }), allowInsecureHttp: true, audience: TEST_AUDIENCE })
    await expectRefusal(verifier.verify(await a.mint({ iss: untrusted.url })), 'issuer_not_trusted', 401)
    assert.equal(untrusted.requests.length, 0)
  })

  test('per-issuer options from the resolver apply', async () => {
    const verifier = createVerifier({ issuers: (iss) => (iss === a.issuer ? { issuer: iss, audience: 'https://a.api.test' } : undefined), allowInsecureHttp: true, audience: TEST_AUDIENCE })
    await verifier.verify(await a.mint({ aud: 'https://a.api.test' }))
    await expectRefusal(verifier.verify(await a.mint()), 'audience_mismatch', 401)
  })

  test('maxIssuers bounds the issuers kept: the least recently used is resolved again', async () => {
    const trustABC = (iss: string) => ([a.issuer, b.issuer, c.issuer].includes(iss) ? { issuer: iss } : undefined)
    const { resolve, calls } = countingResolver(trustABC, 0)
    const verifier = createVerifier({ issuers: resolve, allowInsecureHttp: true, audience: TEST_AUDIENCE, maxIssuers: 2 })
    for (const server of [a, b, c]) await verifier.verify(await server.mint())
    assert.deepEqual(Object.fromEntries(calls), { [a.issuer]: 1, [b.issuer]: 1, [c.issuer]: 1 })
    await verifier.verify(await c.mint())
    assert.equal(calls.get(c.issuer), 1, 'C is still known')
    await verifier.verify(await a.mint())
    assert.equal(calls.get(a.issuer), 2, 'A was evicted by C and resolved again')
  })

  test('settings: no issuers known up front, the top-level audience', () => {
    const verifier = createVerifier({ issuers: trustAB, allowInsecureHttp: true, audience: [TEST_AUDIENCE, 'https://second.api.test'] })
    assert.deepEqual(verifier.settings.issuers, [])
    assert.deepEqual(verifier.settings.audience, [TEST_AUDIENCE, 'https://second.api.test'])
  })
})
