/**
 * Issue 17 item 3: the `fetch` option. Discovery and key set requests go through the application's fetch
 * (a corporate proxy, a private CA, an undici dispatcher), over real servers on 127.0.0.1 — and the
 * bounds (time, size, redirects) hold whatever that fetch does: one that ignores the abort signal, one
 * that follows redirects itself, one whose body is a Node stream.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, isConfigurationError, KeysUnavailableError, type FetchFunction, type KeySourceEvent, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'
import { startHttpsIssuer, LOCALHOST_CERT, type HttpsIssuer } from '../support/https-issuer.js'
import { nodeFetch } from '../support/node-fetch.js'
import { expectRefusal } from '../support/refusal.js'

let issuer: TestIssuer
before(async () => {
  issuer = await createTestIssuer()
})
after(() => issuer.stop())

const local = (extra: Partial<VerifierOptions>) => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true, ...extra } as VerifierOptions)

/** What `ready()` rejects with (it must reject). */
async function readyFailure(verifier: ReturnType<typeof createVerifier>): Promise<Error> {
  const error = await verifier.ready().then(() => undefined, (failure: unknown) => failure)
  assert.ok(error instanceof Error, 'ready() must reject')
  return error
}

describe('issue 17 item 3: the fetch option carries discovery and key set requests', () => {
  let proxy: ForwardProxy
  before(async () => {
    proxy = await startForwardProxy()
  })
  after(() => proxy.close())

  test('through a forward proxy: discovery and the JWK Set are fetched via the proxy, and tokens verify', async () => {
    const before = { ...issuer.requests }
    const verifier = local({ fetch: nodeFetch({ proxy: proxy.url }), fetchHeaders: { 'user-agent': 'api/1.0' } })
    const auth = await verifier.verify(await issuer.sign({}, { scope: 'read:data' }))
    assert.ok(auth.scopes.has('read:data'))
    assert.deepEqual(proxy.forwarded, [issuer.discoveryUrl, issuer.jwksUri], 'both requests went through the proxy, in order')
    assert.equal(issuer.requests.openidConfiguration, before.openidConfiguration + 1)
    assert.equal(issuer.requests.jwks, before.jwks + 1)
  })

  test('the fetch is given GET, the headers, redirect "manual" and the budget\'s signal', async () => {
    const calls: Array<{ url: string; init: Parameters<FetchFunction>[1] }> = []
    const recording: FetchFunction = (url, init) => {
      calls.push({ url, init })
      return fetch(url, init)
    }
    await local({ fetch: recording, fetchHeaders: { 'user-agent': 'api/1.0' } }).ready()
    assert.deepEqual(calls.map((call) => call.url), [issuer.discoveryUrl, issuer.jwksUri])
    for (const { init } of calls) {
      assert.equal(init.method, 'GET')
      assert.equal(init.redirect, 'manual')
      assert.equal(init.headers['user-agent'], 'api/1.0')
      assert.equal(init.headers.accept, 'application/json')
      assert.ok(init.signal instanceof AbortSignal)
    }
  })

  test('a fetch that is not a function is refused at startup', () => {
    assert.throws(() => local({ fetch: 'undici' as unknown as FetchFunction }), (error: unknown) => isConfigurationError(error) && error.option === 'fetch')
  })
})

describe('issue 17 item 3: a private CA, through the fetch option', () => {
  let httpsIssuer: HttpsIssuer
  before(async () => {
    httpsIssuer = await startHttpsIssuer(issuer)
  })
  after(() => httpsIssuer.close())

  test('without it, the global fetch does not trust the certificate: 503, never a verdict on the token', async () => {
    const verifier = createVerifier({ issuer: httpsIssuer.issuer, audience: issuer.audience, retryDelay: '10ms' })
    await expectRefusal(verifier.verify(await issuer.sign({ iss: httpsIssuer.issuer })), 'keys_unavailable', 503)
  })

  test('with a fetch that trusts the CA, the https issuer is discovered and its tokens verify', async () => {
    const verifier = createVerifier({ issuer: httpsIssuer.issuer, audience: issuer.audience, fetch: nodeFetch({ ca: LOCALHOST_CERT }) })
    await verifier.ready()
    const auth = await verifier.verify(await issuer.sign({ iss: httpsIssuer.issuer }))
    assert.equal(auth.claims.iss, httpsIssuer.issuer)
    assert.deepEqual(httpsIssuer.requests.slice(-2), ['/.well-known/openid-configuration', '/jwks'])
  })
})

describe('issue 17 item 3: the bounds hold whatever the fetch does', () => {
  let server: TestServer
  let mode: 'stall-body' | 'huge' | 'redirect-away' | 'redirect-home' = 'huge'
  before(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/jwks') return sendJson(res, 200, issuer.jwks())
      if (mode === 'stall-body') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"keys":[') // and never more: the body hangs
        return
      }
      if (mode === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' }) // chunked: no content-length to refuse early
        res.end(JSON.stringify({ keys: [], padding: 'x'.repeat(600 * 1024) }))
        return
      }
      res.writeHead(302, { location: mode === 'redirect-home' ? '/jwks' : issuer.jwksUri }).end()
    })
  })
  after(() => server.close())

  const at = (fetch: FetchFunction, extra: Partial<VerifierOptions> = {}) => local({ jwksUri: `${server.url}/keys`, fetch, retryDelay: '10ms', ...extra })
  const ignoringSignal: FetchFunction = (url, init) => fetch(url, { ...init, signal: null })

  test('a fetch that ignores the signal is still cut off at timeoutDuration (no answer at all)', async () => {
    await issuer.outage('hang')
    try {
      const verifier = local({ fetch: ignoringSignal, timeoutDuration: '200ms', retryDelay: '10ms' })
      const error = await readyFailure(verifier)
      assert.ok(error instanceof KeysUnavailableError, String(error))
      assert.match(error.detail ?? '', /timed out after \d+ ms/)
      assert.ok(issuer.held >= 1, 'the request really hung at the issuer')
    } finally {
      await issuer.restore()
    }
  })

  test('a fetch that ignores the signal is still cut off while the body hangs', async () => {
    mode = 'stall-body'
    const error = await readyFailure(at(ignoringSignal, { timeoutDuration: '200ms' }))
    assert.ok(error instanceof KeysUnavailableError, String(error))
    assert.match(error.detail ?? '', /timed out after 200 ms/)
  })

  test('maxResponseSize holds for a body streamed without content-length, web stream or Node stream', async () => {
    mode = 'huge'
    for (const fetch of [ignoringSignal, nodeFetch()]) {
      const error = await readyFailure(at(fetch))
      assert.ok(isConfigurationError(error), String(error))
      assert.match(error.message, /exceeds the 524288 byte limit \(maxResponseSize\)/)
    }
  })

  test('a fetch that follows redirects itself is refused, even to the real key set', async () => {
    mode = 'redirect-away'
    const events: KeySourceEvent[] = []
    const following: FetchFunction = (url, init) => fetch(url, { ...init, redirect: 'follow' })
    const error = await readyFailure(at(following, { onEvent: (event) => void events.push(event) }))
    assert.ok(isConfigurationError(error), String(error))
    assert.match(error.message, /the fetch followed a redirect itself/)
    assert.ok(events.some((event) => event.type === 'fetch_failure' && event.kind === 'configuration'))
  })

  test('with a fetch that passes redirect "manual" on, tokenguard follows same-origin hops and refuses others', async () => {
    mode = 'redirect-home'
    const verifier = at(nodeFetch())
    await verifier.verify(await issuer.sign())
    mode = 'redirect-away'
    const error = await readyFailure(at(nodeFetch()))
    assert.match(error.message, /refused a redirect to another origin/)
  })

  test('a fetch that resolves with something other than a response is a configuration error', async () => {
    const error = await readyFailure(local({ jwksUri: issuer.jwksUri, fetch: (async () => ({ ok: true })) as unknown as FetchFunction }))
    assert.ok(isConfigurationError(error), String(error))
    assert.match(error.message, /not a response/)
  })

  test('a fetch that throws is an outage (503), like a refused connection', async () => {
    const verifier = local({ fetch: () => Promise.reject(new Error('proxy unreachable')), retryDelay: '10ms' })
    await expectRefusal(verifier.verify(await issuer.sign()), 'keys_unavailable', 503)
  })
})
