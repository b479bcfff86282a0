/**
 * Issue 12 item 8: the token cache key covers every parameter that changes the token. Clients sharing one
 * store must never hand each other's tokens out.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMemoryStore, createTokenClient, type TokenClientOptions, type TokenStore } from '@tokenguard/client'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'

describe('token cache key', () => {
  let server: TestServer
  let issued = 0
  before(async () => {
    // Each token names what it was issued for, so a token served to the wrong client is visible.
    server = await startServer((req, res) => {
      issued += 1
      const form = new URLSearchParams(req.body)
      const basic = req.headers.authorization?.replace(/^Basic /, '')
      const client = form.get('client_id') ?? Buffer.from(basic ?? '', 'base64').toString().split(':')[0]
      const org = form.get('organization') ?? '-'
      sendJson(res, 200, { access_token: `${req.url}|${client}|${org}|${issued}`, token_type: 'Bearer', expires_in: 3600 })
    })
  })
  after(() => server.close())

  const base = (store: TokenStore, extra: Partial<TokenClientOptions> = {}): TokenClientOptions => ({
    tokenEndpoint: `${server.url}/token`,
    clientId: 'svc',
    clientSecret: 'svc-secret',
    extraParams: { organization: 'org_a' },
    store,
    ...extra,
  })

  it('two clients differing only in extraParams.organization, sharing one store, make two token requests', async () => {
    const store = createMemoryStore()
    const a = createTokenClient(base(store))
    const b = createTokenClient(base(store, { extraParams: { organization: 'org_b' } }))
    const before = issued
    const tokenA = await a.getToken()
    const tokenB = await b.getToken()
    assert.equal(issued - before, 2)
    assert.match(tokenA, /\|org_a\|/)
    assert.match(tokenB, /\|org_b\|/)
    assert.equal(await a.getToken(), tokenA, 'each keeps its own cached token')
    assert.equal(await b.getToken(), tokenB)
    assert.equal(issued - before, 2)
  })

  const variants: Array<[string, Partial<TokenClientOptions>]> = [
    ['another extraParams value', { extraParams: { organization: 'org_b' } }],
    ['one more extraParams entry', { extraParams: { organization: 'org_a', connection: 'db' } }],
    ['no extraParams', { extraParams: {} }],
    ['audience', { audience: 'https://orders.example' }],
    ['scope', { scope: 'orders:read' }],
    ['resource', { resource: 'https://orders.example' }],
    ['client id', { clientId: 'other-svc' }],
    ['auth method', { auth: 'client_secret_post' }],
    ['token endpoint', { tokenEndpoint: `http://127.0.0.1:1/token` }],
    ['issuer', { issuer: 'https://as.example' }],
  ]

  for (const [what, change] of variants) {
    it(`a client differing only in ${what} gets its own token from a shared store`, async () => {
      const store = createMemoryStore()
      const first = createTokenClient(base(store))
      await first.getToken()
      const variant = createTokenClient(base(store, { retry: false, ...change }))
      if (change.tokenEndpoint !== undefined) {
        // A dead endpoint: a cache hit would answer, a miss must try (and fail) to reach it.
        await assert.rejects(variant.getToken(), { code: 'network_error' })
        return
      }
      const before = issued
      const token = await variant.getToken()
      assert.equal(issued - before, 1, `${what}: one new token request`)
      assert.notEqual(token, await first.getToken())
    })
  }

  it('the same parameters in another order share the cached token', async () => {
    const store = createMemoryStore()
    const a = createTokenClient(base(store, { scope: 'b a', extraParams: { organization: 'org_a', connection: 'db' } }))
    const b = createTokenClient(base(store, { scope: ['a', 'b'], extraParams: { connection: 'db', organization: 'org_a' } }))
    const before = issued
    const token = await a.getToken()
    assert.equal(await b.getToken(), token)
    assert.equal(issued - before, 1)
  })
})
