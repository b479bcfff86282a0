/**
 * Issue 17 item 3: a custom discovery document URL (`discoveryUrl`) for providers that publish their
 * metadata elsewhere, and separate age and size settings for the discovery and key set caches
 * (`discoveryCacheMaxAge` beside `cacheMaxAge`; with a resolver, `discoveryCacheSize` beside
 * `keySetCacheSize`), against real servers on 127.0.0.1. Waits are for requests the servers count, or for
 * a freshness to pass, never for a race to be won.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier, isConfigurationError, type IssuerResolver, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'
import { expectRefusal } from '../support/refusal.js'

let keysA: TestIssuer
let keysB: TestIssuer
before(async () => {
  ;[keysA, keysB] = await Promise.all([createTestIssuer(), createTestIssuer()])
})
after(() => Promise.all([keysA.stop(), keysB.stop()]))

/** A provider that publishes its metadata at /config/metadata.json only, pointing at a switchable key set. */
async function startOddProvider(): Promise<TestServer & { issuer: string; publishing: { jwks: TestIssuer; issuer?: string; status?: number } }> {
  const publishing: { jwks: TestIssuer; issuer?: string; status?: number } = { jwks: keysA }
  let issuer = ''
  const server = await startServer((req, res) => {
    if (req.url !== '/config/metadata.json') return sendJson(res, 404, { error: 'not_found' })
    if (publishing.status !== undefined) return sendJson(res, publishing.status, {})
    sendJson(res, 200, { issuer: publishing.issuer ?? issuer, jwks_uri: publishing.jwks.jwksUri })
  })
  issuer = server.url
  return Object.assign(server, { issuer, publishing })
}

const paths = (server: TestServer) => server.requests.map((request) => request.url)

describe('issue 17 item 3: discoveryUrl', () => {
  let provider: Awaited<ReturnType<typeof startOddProvider>>
  before(async () => {
    provider = await startOddProvider()
  })
  after(() => provider.close())
  const odd = (extra: Partial<VerifierOptions> = {}) =>
    createVerifier({ issuer: provider.issuer, discoveryUrl: `${provider.url}/config/metadata.json`, audience: keysA.audience, allowInsecureHttp: true, retryDelay: '10ms', ...extra } as VerifierOptions)

  test('only the given URL is fetched — no well-known guesses — and its key set verifies the tokens', async () => {
    provider.requests.length = 0
    const verifier = odd()
    await verifier.verify(await keysA.sign({ iss: provider.issuer }))
    assert.deepEqual(paths(provider), ['/config/metadata.json'])
  })

  test('the metadata\'s issuer must still equal "issuer" exactly (RFC 8414 §3.3)', async () => {
    provider.publishing.issuer = `${provider.issuer}/`
    try {
      const error = await odd().ready().then(() => undefined, (failure: unknown) => failure)
      assert.ok(isConfigurationError(error), String(error))
      assert.match(error.message, /differs from the configured issuer/)
    } finally {
      delete provider.publishing.issuer
    }
  })

  test('nothing at the URL (404) is a misconfiguration naming discoveryUrl; a 503 is an outage', async () => {
    provider.publishing.status = 404
    try {
      const error = await odd().ready().then(() => undefined, (failure: unknown) => failure)
      assert.ok(isConfigurationError(error), String(error))
      assert.equal(error.option, 'discoveryUrl')
      assert.match(error.message, /no authorization server metadata at discoveryUrl .*\/config\/metadata\.json/)
      provider.publishing.status = 503
      await expectRefusal(odd().verify(await keysA.sign({ iss: provider.issuer })), 'keys_unavailable', 503)
    } finally {
      delete provider.publishing.status
    }
  })

  test('refused at startup: http without allowInsecureHttp, http for an https issuer, beside jwksUri, at the top of several issuers', () => {
    const https = 'https://id.example.com'
    const refuses = (options: unknown, option: string, message: RegExp) =>
      assert.throws(() => createVerifier(options as VerifierOptions), (error: unknown) => isConfigurationError(error) && error.option === option && message.test(error.message))
    refuses({ issuer: https, audience: 'api', discoveryUrl: 'http://id.example.com/meta' }, 'discoveryUrl', /uses plain http while the issuer .* uses https/)
    refuses({ issuer: https, audience: 'api', discoveryUrl: 'ftp://id.example.com/meta' }, 'discoveryUrl', /must be an absolute http\(s\) URL/)
    refuses({ issuer: https, audience: 'api', discoveryUrl: 'https://user:pw@id.example.com/meta' }, 'discoveryUrl', /must not contain credentials/)
    refuses({ issuer: https, audience: 'api', discoveryUrl: `${https}/meta`, jwksUri: `${https}/jwks` }, 'discoveryUrl', /give at most one of/)
    assert.throws(() => createVerifier({ audience: 'api', discoveryUrl: `${https}/meta`, issuers: [{ issuer: https }] } as never), /discoveryUrl belong in each issuer's entry/)
    assert.doesNotThrow(() => createVerifier({ audience: 'api', issuers: [{ issuer: https, discoveryUrl: `${https}/meta` }] }), 'per issuer, it is fine')
  })
})

describe('issue 17 item 3: discoveryCacheMaxAge, apart from the key set\'s cacheMaxAge', () => {
  test('by default (24 h) key set refreshes reuse the discovered jwks_uri', async () => {
    const before = { ...keysA.requests }
    const verifier = createVerifier({ issuer: keysA.issuer, audience: keysA.audience, allowInsecureHttp: true, cacheMaxAge: '100ms' })
    const token = await keysA.sign()
    await verifier.verify(token)
    await sleep(150) // the key set is now due
    await verifier.verify(token, {}) // the hit starts the background refresh
    await keysA.requested('jwks', before.jwks + 2)
    assert.equal(keysA.requests.openidConfiguration, before.openidConfiguration + 1, 'discovered once')
  })

  test('once discovery is older than discoveryCacheMaxAge, the next key set fetch discovers again — and follows a moved jwks_uri', async () => {
    const provider = await startOddProvider()
    try {
      const verifier = createVerifier({
        issuer: provider.issuer, discoveryUrl: `${provider.url}/config/metadata.json`, audience: keysA.audience, allowInsecureHttp: true,
        discoveryCacheMaxAge: 1000,
      })
      await verifier.verify(await keysA.sign({ iss: provider.issuer }))
      provider.publishing.jwks = keysB // the provider moves its keys
      const fromB = await keysB.sign({ iss: provider.issuer })
      // Discovery is still young: the unknown kid refetches A's set (the jwks_uri known), where B's key is not.
      await expectRefusal(verifier.verify(fromB), 'key_not_found', 401)
      assert.equal(paths(provider).length, 1)
      await sleep(1100)
      await verifier.keySource.refresh()
      assert.equal(paths(provider).length, 2, 'discovered a second time')
      await verifier.verify(fromB)
    } finally {
      await provider.close()
    }
  })

  test('bounds: 100 ms – 7 days, in milliseconds or with a unit', () => {
    const base = { issuer: keysA.issuer, audience: keysA.audience, allowInsecureHttp: true }
    assert.throws(() => createVerifier({ ...base, discoveryCacheMaxAge: '50ms' }), /"discoveryCacheMaxAge" must be at least 100 ms/)
    assert.throws(() => createVerifier({ ...base, discoveryCacheMaxAge: '8d' }), /"discoveryCacheMaxAge" must be at most 7 days/)
    assert.doesNotThrow(() => createVerifier({ ...base, discoveryCacheMaxAge: '1h' }))
  })
})

describe('issue 17 item 3: with a resolver, discoveryCacheSize and keySetCacheSize', () => {
  let keysC: TestIssuer
  before(async () => {
    keysC = await createTestIssuer()
  })
  after(() => keysC.stop())

  const resolver: IssuerResolver = (iss) => ({ issuer: iss, allowInsecureHttp: true })
  const counts = (issuer: TestIssuer) => ({ discovery: issuer.requests.openidConfiguration, jwks: issuer.requests.jwks })
  const delta = (now: ReturnType<typeof counts>, then: ReturnType<typeof counts>) => ({ discovery: now.discovery - then.discovery, jwks: now.jwks - then.jwks })

  /** Verifies a token of A, of B, of C, then of A again with one issuer kept; A's fetches over all four. */
  async function comeBack(sizes: { keySetCacheSize?: number; discoveryCacheSize?: number }) {
    const verifier = createVerifier({ audience: keysA.audience, issuers: resolver, maxIssuers: 1, ...sizes })
    const start = counts(keysA)
    for (const issuer of [keysA, keysB, keysC, keysA]) await verifier.verify(await issuer.sign())
    return delta(counts(keysA), start)
  }

  test('by default an issuer coming back needs neither discovery nor a key fetch', async () => {
    assert.deepEqual(await comeBack({}), { discovery: 1, jwks: 1 })
  })

  test('a key set cache of one forgets A\'s keys (B\'s took the place), a larger discovery cache still skips discovery', async () => {
    assert.deepEqual(await comeBack({ keySetCacheSize: 1, discoveryCacheSize: 10 }), { discovery: 1, jwks: 2 })
  })

  test('both caches of one: A comes back cold, discovery and key set', async () => {
    assert.deepEqual(await comeBack({ keySetCacheSize: 1, discoveryCacheSize: 1 }), { discovery: 2, jwks: 2 })
  })

  test('sizes are positive whole numbers, at most 1000000', () => {
    for (const name of ['keySetCacheSize', 'discoveryCacheSize']) {
      for (const value of [0, -1, 1.5, '10', 2_000_000]) {
        assert.throws(() => createVerifier({ audience: 'api', issuers: resolver, [name]: value } as never), (error: unknown) => isConfigurationError(error) && error.option === name)
      }
    }
  })
})
