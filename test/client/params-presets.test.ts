import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { auth0, createTokenClient, entraId, okta, type TokenClientOptions } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { forward, sendJson, startServer, type TestServer } from '../support/http-server.js'

describe('request parameters: scope, resource, audience, extraParams, body format', () => {
  let as: AuthServer
  let recorder: TestServer
  before(async () => {
    as = await startAuthServer({ extraResources: ['https://reports.tokenguard.test'] })
    recorder = await startServer((req, res) => forward(req, res, as.tokenEndpoint))
  })
  after(async () => {
    await recorder.close()
    await as.close()
  })

  const options = (extra: Partial<TokenClientOptions>): TokenClientOptions => ({
    tokenEndpoint: `${recorder.url}/token`,
    clientId: as.clients.readWrite.id,
    clientSecret: as.clients.readWrite.secret,
    ...extra,
  })
  const lastForm = () => new URLSearchParams(recorder.requests.at(-1)!.body)

  it('without scope/resource the AS defaults apply (aud = default resource)', async () => {
    const token = await createTokenClient(options({})).getToken()
    assert.equal(lastForm().get('scope'), null)
    assert.equal(lastForm().get('resource'), null)
    assert.equal(decodeJwt(token).aud, as.resource)
  })

  it('sends scope (list or string) and RFC 8707 resource; the token reflects both', async () => {
    const client = createTokenClient(options({ scope: ['write:data', 'read:data'], resource: 'https://reports.tokenguard.test' }))
    const token = await client.getToken()
    assert.equal(lastForm().get('scope'), 'read:data write:data')
    assert.deepEqual(lastForm().getAll('resource'), ['https://reports.tokenguard.test'])
    const claims = decodeJwt(token)
    assert.equal(claims.aud, 'https://reports.tokenguard.test')
    assert.equal(claims.scope, 'read:data write:data')
  })

  it('sends extraParams but refuses to let them replace protocol parameters', async () => {
    await createTokenClient(options({ extraParams: { tenant: 'acme' } })).getToken()
    assert.equal(lastForm().get('tenant'), 'acme')
    assert.equal(lastForm().get('grant_type'), 'client_credentials')
    for (const reserved of ['grant_type', 'client_secret', 'scope', 'resource', 'audience']) {
      assert.throws(() => createTokenClient(options({ extraParams: { [reserved]: 'x' } })), TypeError)
    }
  })

  it('rejects invalid resource indicators before any request', async () => {
    assert.throws(() => createTokenClient(options({ resource: 'not-a-uri' })), /absolute URI/)
    assert.throws(() => createTokenClient(options({ resource: 'https://api.test/#frag' })), /fragment/)
    const client = createTokenClient(options({}))
    await assert.rejects(client.getToken({ resource: 'relative/path' }), TypeError)
  })

  it('audience parameter and JSON body (Auth0 style)', async () => {
    const seen: Array<{ contentType: string | undefined; body: unknown; auth: string | undefined }> = []
    const auth0Like = await startServer((req, res) => {
      seen.push({
        contentType: req.headers['content-type'],
        body: JSON.parse(req.body) as unknown,
        auth: req.headers.authorization,
      })
      sendJson(res, 200, { access_token: 'opaque-token', token_type: 'Bearer', expires_in: 86400, scope: 'read:orders' })
    })
    try {
      const client = createTokenClient({
        ...auth0({
          domain: 'tenant.auth0.example',
          clientId: 'm2m',
          clientSecret: 'auth0-secret',
          audience: 'https://orders.api',
          scope: 'read:orders',
        }),
        tokenEndpoint: `${auth0Like.url}/oauth/token`, // the local stand-in for https://tenant.auth0.example/oauth/token
      })
      const response = await client.getTokenResponse()
      assert.equal(response.accessToken, 'opaque-token')
      assert.equal(response.scope, 'read:orders')
      assert.ok(Math.abs(response.expiresAt - Date.now() - 86_400_000) < 2000)
      assert.equal(seen[0]!.contentType, 'application/json')
      assert.equal(seen[0]!.auth, undefined)
      assert.deepEqual(seen[0]!.body, {
        grant_type: 'client_credentials',
        scope: 'read:orders',
        audience: 'https://orders.api',
        client_id: 'm2m',
        client_secret: 'auth0-secret',
      })
    } finally {
      await auth0Like.close()
    }
  })

  it('without expires_in, uses the JWT exp; without either, the fallback lifetime', async () => {
    const jwt = await as.requestToken('readOnly')
    let body: Record<string, unknown> = { access_token: jwt, token_type: 'bearer' }
    const server = await startServer((_req, res) => sendJson(res, 200, body))
    try {
      const fromJwt = await createTokenClient(options({ tokenEndpoint: `${server.url}/t` })).getTokenResponse()
      assert.equal(fromJwt.expiresAt, decodeJwt(jwt).exp! * 1000)
      body = { access_token: 'opaque', token_type: 'Bearer' }
      const fallback = await createTokenClient(
        options({ tokenEndpoint: `${server.url}/t`, fallbackLifetimeDuration: 30_000 }),
      ).getTokenResponse()
      assert.equal(fallback.expiresAt - fallback.obtainedAt, 30_000)
      body = { access_token: 'x', token_type: 'DPoP', expires_in: 60 }
      await assert.rejects(createTokenClient(options({ tokenEndpoint: `${server.url}/t` })).getToken(), {
        code: 'invalid_response',
      })
      body = { token_type: 'Bearer' }
      await assert.rejects(createTokenClient(options({ tokenEndpoint: `${server.url}/t` })).getToken(), {
        code: 'invalid_response',
      })
    } finally {
      await server.close()
    }
  })
})

describe('provider presets', () => {
  it('auth0: /oauth/token on the domain, audience, JSON, client_secret_post', () => {
    const o = auth0({ domain: 'https://tenant.eu.auth0.example/', clientId: 'id', clientSecret: 'sec', audience: 'https://api' })
    assert.equal(o.tokenEndpoint, 'https://tenant.eu.auth0.example/oauth/token')
    assert.equal(o.audience, 'https://api')
    assert.equal(o.bodyFormat, 'json')
    assert.equal(o.auth, 'client_secret_post')
    assert.equal(o.scope, undefined)
    assert.equal(auth0({ domain: 'd.example', clientId: 'i', clientSecret: 's', audience: 'a', bodyFormat: 'form' }).bodyFormat, 'form')
    assert.throws(() => auth0({ domain: 'd.example/path', clientId: 'i', clientSecret: 's', audience: 'a' }), TypeError)
  })

  it('entraId: v2 token endpoint by tenant, scope must be <resource>/.default', () => {
    const o = entraId({
      tenantId: '00000000-0000-0000-0000-000000000001',
      clientId: 'app',
      clientSecret: 's',
      scope: 'api://orders/.default',
    })
    assert.equal(o.tokenEndpoint, 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token')
    assert.equal(o.scope, 'api://orders/.default')
    assert.equal(o.auth, 'client_secret_post')
    assert.throws(() => entraId({ tenantId: 't', clientId: 'a', clientSecret: 's', scope: 'api://orders/read' }), /\.default/)
    assert.throws(() => entraId({ tenantId: 't/../x', clientId: 'a', clientSecret: 's', scope: 'x/.default' }), TypeError)
    const gov = entraId({
      tenantId: 'contoso.example',
      clientId: 'a',
      clientSecret: 's',
      scope: 'x/.default',
      authorityHost: 'https://login.microsoftonline.us/',
    })
    assert.equal(gov.tokenEndpoint, 'https://login.microsoftonline.us/contoso.example/oauth2/v2.0/token')
    assert.doesNotThrow(() => createTokenClient(o))
  })

  it('okta: <issuer>/v1/token, client_secret_basic, custom scopes', () => {
    const o = okta({ issuer: 'https://example.okta.example/oauth2/default/', clientId: 'svc', clientSecret: 's', scope: 'orders:read' })
    assert.equal(o.issuer, 'https://example.okta.example/oauth2/default')
    assert.equal(o.tokenEndpoint, 'https://example.okta.example/oauth2/default/v1/token')
    assert.equal(o.auth, 'client_secret_basic')
    assert.equal(o.scope, 'orders:read')
    assert.doesNotThrow(() => createTokenClient(o))
  })
})

describe('option validation', () => {
  const ok: TokenClientOptions = { tokenEndpoint: 'https://as.example/token', clientId: 'c', clientSecret: 's' }
  it('requires an endpoint or issuer, a client id and the right credential', () => {
    assert.throws(() => createTokenClient({ clientId: 'c', clientSecret: 's' }), /tokenEndpoint or issuer/)
    assert.throws(() => createTokenClient({ ...ok, clientId: '' }), /clientId/)
    assert.throws(() => createTokenClient({ ...ok, clientSecret: undefined }), /clientSecret/)
    assert.throws(() => createTokenClient({ ...ok, clientSecret: undefined, auth: 'private_key_jwt' }), /privateKey/)
    assert.throws(() => createTokenClient({ ...ok, assertionAudience: 'issuer' }), /requires issuer/)
  })
  it('requires https except on loopback, unless allowed', () => {
    assert.throws(() => createTokenClient({ ...ok, tokenEndpoint: 'http://as.example/token' }), /https/)
    assert.doesNotThrow(() => createTokenClient({ ...ok, tokenEndpoint: 'http://as.example/token', allowInsecureHttp: true }))
    assert.doesNotThrow(() => createTokenClient({ ...ok, tokenEndpoint: 'http://localhost:8080/token' }))
    assert.throws(() => createTokenClient({ ...ok, tokenEndpoint: 'https://user:pw@as.example/token' }), /credentials/)
  })
  it('checks durations', () => {
    assert.throws(() => createTokenClient({ ...ok, timeoutDuration: 0 }), /timeoutDuration/)
    assert.throws(() => createTokenClient({ ...ok, refreshAheadDuration: -1 }), /refreshAheadDuration/)
    assert.throws(() => createTokenClient({ ...ok, retry: { retries: Number.NaN } }), /retry\.retries/)
  })
})
