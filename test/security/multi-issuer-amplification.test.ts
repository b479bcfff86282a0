/**
 * Issue 12 finding 4: with the README's allow-list resolver, unsigned tokens cycling through allowed `iss`
 * values made one outbound key-set fetch per request and evicted a legitimate tenant. Now every fetch
 * comes out of budgets an attacker cannot reset by cycling, and a legitimate tenant keeps answering 200.
 * One multi-tenant issuer server on 127.0.0.1 (discovery + JWKS per tenant path) counts what is fetched.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type IssuerEntry, type Verifier } from '@tokenguard/core'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { startServer, type TestServer } from '../support/http-server.js'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { nowSeconds } from '../support/local-tokens.js'

const TENANTS = 300
let server: TestServer
let privateKey: CryptoKey
let publicJwk: object
let verifier: Verifier

const tenantIssuer = (n: number) => `${server.url}/t/${n}`
const fetchesOf = (kind: 'openid-configuration' | 'jwks') => server.requests.filter((request) => request.url.endsWith(kind)).length

before(async () => {
  const pair = await generateKeyPair('ES256')
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'tenant-key', alg: 'ES256', use: 'sig' }
  server = await startServer((request, res) => {
    const match = /^\/t\/(\d+)\/(\.well-known\/openid-configuration|jwks)$/.exec(request.url)
    if (match === null) return void res.writeHead(404).end()
    const issuer = `${server.url}/t/${match[1]}`
    const body = match[2] === 'jwks' ? { keys: [publicJwk] } : { issuer, jwks_uri: `${issuer}/jwks` }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  // The README's allow-list resolver: every tenant path on this server is allowed.
  const allowed = (iss: string): IssuerEntry | undefined => (/^http:\/\/127\.0\.0\.1:\d+\/t\/\d+$/.test(iss) && iss.startsWith(server.url) ? { issuer: iss } : undefined)
  verifier = createVerifier({ issuers: allowed, allowInsecureHttp: true, audience: TEST_AUDIENCE, maxIssuers: 100 })
})
after(() => server.close())

const sign = (iss: string, kid = 'tenant-key') =>
  new SignJWT({ iss, aud: TEST_AUDIENCE, sub: 's', exp: nowSeconds() + 300 }).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey)
// An attacker's token: an allowed iss, a kid nobody has, a signature that cannot verify.
const junk = (iss: string) => `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: `k${Math.random()}` })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss, aud: TEST_AUDIENCE, exp: nowSeconds() + 300 })).toString('base64url')}.${'A'.repeat(86)}`

describe('issue 12 finding 4: multi-issuer amplification', () => {
  test('cycling allowed iss values: fetches stay bounded, the legitimate tenant keeps answering 200', async (t) => {
    const legitimate = tenantIssuer(0)
    const good = await sign(legitimate)
    await verifier.verify(good)
    const started = Date.now()
    const statuses = new Map<number, number>()
    for (let round = 0; round < 10; round++) {
      const batch: Array<Promise<unknown>> = []
      for (let i = 1; i <= TENANTS; i++) {
        batch.push(verifier.verify(junk(tenantIssuer(i))).then(() => 200, (error: { status: number }) => statuses.set(error.status, (statuses.get(error.status) ?? 0) + 1)))
      }
      await Promise.all(batch)
      const context = await verifier.verify(await sign(legitimate)) // a fresh token of the tenant: a cache miss
      assert.equal(context.claims.iss, legitimate, `round ${round}`)
    }
    const seconds = Math.ceil((Date.now() - started) / 1000)
    const requests = TENANTS * 10
    // Cold fetches come from one bucket (20, then 2 per second); each fetched tenant refetches at most once for
    // unknown kids per cooldown (30 s, longer than this test), and discovery is fetched once per cold fetch.
    const bound = 20 + 2 * seconds
    t.diagnostic(`${requests} junk requests in ${seconds} s: ${fetchesOf('jwks')} key-set fetches, ${fetchesOf('openid-configuration')} discoveries, refused ${JSON.stringify(Object.fromEntries(statuses))}`)
    assert.ok(fetchesOf('jwks') <= 2 * bound, `${fetchesOf('jwks')} key-set fetches for ${requests} junk requests (bound ${2 * bound})`)
    assert.ok(fetchesOf('openid-configuration') <= bound + 1, `${fetchesOf('openid-configuration')} discoveries (bound ${bound + 1})`)
    assert.ok((statuses.get(401) ?? 0) + (statuses.get(503) ?? 0) === requests, 'every junk request was refused (401) or shed (503)')
  })

  test('a refused iss is remembered: the resolver is not asked again for it', async () => {
    let asked = 0
    const counting = createVerifier({ issuers: () => void asked++, audience: TEST_AUDIENCE })
    for (let i = 0; i < 50; i++) await assert.rejects(counting.verify(junk('https://junk.example/')), (error: { reason: string }) => error.reason === 'issuer_not_trusted')
    assert.equal(asked, 1)
  })
})
