/**
 * Authorization server metadata discovery (issue 12, finding 10): OpenID Connect Discovery first, then
 * RFC 8414 §3 — with the issuer's path inserted after `/.well-known/oauth-authorization-server` — and the
 * document's `issuer` identical to the configured one (RFC 8414 §3.3), else the document is not used.
 * Against a real metadata server on 127.0.0.1 that records the order of requests.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, discoveryUrls, isTokenGuardError } from '@tokenguard/core'
import { SignJWT } from 'jose'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'

/** What the metadata server answers per path: a document, or a status. */
type Routes = Record<string, { metadata: Record<string, unknown> } | { status: number }>

let key: SigningKey
let server: TestServer
let routes: Routes = {}

before(async () => {
  key = await generateSigningKey('ES256', 'discovery-key')
  server = await startServer((req, res) => {
    const path = req.url.split('?')[0]!
    if (path === '/keys') return sendJson(res, 200, { keys: [key.publicJwk] })
    const route = routes[path]
    if (route === undefined) return void res.writeHead(404).end()
    if ('status' in route) return sendJson(res, route.status, { error: 'nope' })
    sendJson(res, 200, route.metadata)
  })
})
after(() => server.close())

const paths = (from: number) => server.requests.slice(from).map((request) => request.url)
const metadataFor = (issuer: string) => ({ metadata: { issuer, jwks_uri: `${server.url}/keys` } })
const tokenFor = (issuer: string) => new SignJWT({ sub: 'client-1', aud: TEST_AUDIENCE }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setIssuer(issuer).setExpirationTime('5m').sign(key.privateKey)

/** Verifies a token of `issuer` against a verifier discovering from `issuer`; returns the paths requested and the outcome. */
async function discoverFor(issuer: string): Promise<{ paths: string[]; outcome: string }> {
  const from = server.requests.length
  const verifier = createVerifier({ issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
  let outcome = 'accepted'
  try {
    await verifier.verify(await tokenFor(issuer))
  } catch (error) {
    assert.ok(isTokenGuardError(error))
    outcome = `${error.status} ${error.reason}: ${error.detail}`
  }
  return { paths: paths(from), outcome }
}

describe('discovery order', () => {
  test('discoveryUrls: OpenID Connect location first, RFC 8414 (path after the well-known part) second', () => {
    assert.deepEqual(discoveryUrls('https://id.example/tenant/v2'), [
      'https://id.example/tenant/v2/.well-known/openid-configuration',
      'https://id.example/.well-known/oauth-authorization-server/tenant/v2',
    ])
    assert.deepEqual(discoveryUrls('https://id.example/'), ['https://id.example/.well-known/openid-configuration', 'https://id.example/.well-known/oauth-authorization-server'])
    assert.deepEqual(discoveryUrls('https://id.example/tenant/'), [
      'https://id.example/tenant/.well-known/openid-configuration',
      'https://id.example/.well-known/oauth-authorization-server/tenant',
    ])
  })

  test('an issuer answering at the OpenID Connect location is never asked the RFC 8414 one', async () => {
    const issuer = `${server.url}/oidc`
    routes = { '/oidc/.well-known/openid-configuration': metadataFor(issuer), '/.well-known/oauth-authorization-server/oidc': metadataFor(issuer) }
    assert.deepEqual(await discoverFor(issuer), { paths: ['/oidc/.well-known/openid-configuration', '/keys'], outcome: 'accepted' })
  })

  test('an RFC 8414-only server is found at the second location, path inserted after the well-known part', async () => {
    const issuer = `${server.url}/tenant/v2`
    routes = { '/.well-known/oauth-authorization-server/tenant/v2': metadataFor(issuer) }
    assert.deepEqual(await discoverFor(issuer), {
      paths: ['/tenant/v2/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenant/v2', '/keys'],
      outcome: 'accepted',
    })
  })

  test('a failing first location (500) falls through to the second', async () => {
    const issuer = `${server.url}/flaky`
    routes = { '/flaky/.well-known/openid-configuration': { status: 500 }, '/.well-known/oauth-authorization-server/flaky': metadataFor(issuer) }
    const { paths: asked, outcome } = await discoverFor(issuer)
    assert.equal(outcome, 'accepted')
    assert.deepEqual(asked, ['/flaky/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/flaky', '/keys'])
  })
})

describe('issuer equality (RFC 8414 §3.3)', () => {
  const mismatches: Array<[string, (issuer: string) => string]> = [
    ['a trailing slash more', (issuer) => `${issuer}/`],
    ['a trailing slash less', (issuer) => issuer.slice(0, -1)],
    ['another path case', (issuer) => issuer.replace('/exact', '/EXACT')],
    ['localhost for 127.0.0.1', (issuer) => issuer.replace('127.0.0.1', 'localhost')],
    ['a port with a leading zero', (issuer) => issuer.replace('http://127.0.0.1:', 'http://127.0.0.1:0')],
  ]
  for (const [label, variant] of mismatches) {
    test(`metadata whose issuer differs by ${label} is not used, at either location: 503`, async () => {
      const issuer = label === 'a trailing slash less' ? `${server.url}/exact/` : `${server.url}/exact`
      const wellKnown = discoveryUrls(issuer).map((url) => new URL(url).pathname)
      routes = Object.fromEntries(wellKnown.map((path) => [path, metadataFor(variant(issuer))]))
      const { paths: asked, outcome } = await discoverFor(issuer)
      assert.deepEqual(asked, wellKnown, 'both locations tried, no key set fetched')
      assert.match(outcome, /^503 keys_misconfigured: .*differs from the configured issuer/, 'a misconfiguration (the fix is in the message), still a 503')
    })
  }

  test('a mismatching document at the first location does not stop a matching one at the second', async () => {
    const issuer = `${server.url}/second`
    routes = { '/second/.well-known/openid-configuration': metadataFor(`${issuer}/`), '/.well-known/oauth-authorization-server/second': metadataFor(issuer) }
    assert.equal((await discoverFor(issuer)).outcome, 'accepted')
  })

  test('the exact issuer, trailing slash included, is used', async () => {
    const issuer = `${server.url}/slash/`
    routes = { '/slash/.well-known/openid-configuration': metadataFor(issuer) }
    assert.deepEqual(await discoverFor(issuer), { paths: ['/slash/.well-known/openid-configuration', '/keys'], outcome: 'accepted' })
  })
})
