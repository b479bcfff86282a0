import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { auth0, createTokenClient, entraId, keycloak, okta, type TokenClientOptions } from '@tokenguard/client'
import * as presets from '@tokenguard/client/presets'
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
  const TENANT = '00000000-0000-4000-8000-000000000001'

  it('auth0: /oauth/token on the domain, audience, JSON, client_secret_post', () => {
    const o = auth0({ domain: 'Tenant.eu.auth0.example', clientId: 'id', clientSecret: 'sec', audience: 'https://api' })
    assert.equal(o.tokenEndpoint, 'https://tenant.eu.auth0.example/oauth/token')
    assert.equal(o.audience, 'https://api')
    assert.equal(o.bodyFormat, 'json')
    assert.equal(o.auth, 'client_secret_post')
    assert.equal(o.scope, undefined)
    assert.equal(auth0({ domain: 'd.example', clientId: 'i', clientSecret: 's', audience: 'a', bodyFormat: 'form' }).bodyFormat, 'form')
    assert.equal(auth0({ domain: 'd.example', clientId: 'i', clientSecret: 's', audience: 'a', baseUrl: 'http://127.0.0.1:9/' }).tokenEndpoint, 'http://127.0.0.1:9/oauth/token')
  })

  it('auth0: a scheme or path in "domain" is refused with core\'s message, not stripped', () => {
    const hostOnly = /tokenguard: auth0\(\) "domain" must be a host name such as "example.com", without scheme or path/
    assert.throws(() => auth0({ domain: 'https://tenant.eu.auth0.example/', clientId: 'i', clientSecret: 's', audience: 'a' }), hostOnly)
    assert.throws(() => auth0({ domain: 'd.example/path', clientId: 'i', clientSecret: 's', audience: 'a' }), hostOnly)
    assert.throws(() => auth0({ domain: 'd.example', clientId: 'i', clientSecret: 's', audience: '' }), /auth0\(\) needs "audience"/)
  })

  it('entraId: v2 token endpoint by tenant GUID, scope must be <resource>/.default, loginBaseUrl as in core', () => {
    const o = entraId({ tenantId: TENANT, clientId: 'app', clientSecret: 's', scope: 'api://orders/.default' })
    assert.equal(o.tokenEndpoint, `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`)
    assert.equal(o.scope, 'api://orders/.default')
    assert.equal(o.auth, 'client_secret_post')
    assert.throws(() => entraId({ tenantId: TENANT, clientId: 'a', clientSecret: 's', scope: 'api://orders/read' }), /\.default/)
    for (const tenantId of ['common', 'contoso.example', 't/../x']) {
      assert.throws(() => entraId({ tenantId, clientId: 'a', clientSecret: 's', scope: 'x/.default' }), /"tenantId" must be the directory \(tenant\) id, a GUID/)
    }
    const gov = entraId({ tenantId: TENANT, clientId: 'a', clientSecret: 's', scope: 'x/.default', loginBaseUrl: 'https://login.microsoftonline.us/' })
    assert.equal(gov.tokenEndpoint, `https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`)
    assert.throws(() => entraId({ tenantId: TENANT, clientId: 'a', clientSecret: 's', scope: 'x/.default', loginBaseUrl: 'login.microsoftonline.us' }), /"loginBaseUrl" must be an absolute http\(s\) URL/)
    assert.doesNotThrow(() => createTokenClient(o))
  })

  it('entraId: the former option name authorityHost is refused and points at loginBaseUrl', () => {
    const legacy = { tenantId: TENANT, clientId: 'a', clientSecret: 's', scope: 'x/.default', authorityHost: 'https://login.microsoftonline.us' }
    assert.throws(() => entraId(legacy as never), { message: 'tokenguard: unknown option "authorityHost" in entraId() (did you mean "loginBaseUrl"?)' })
  })

  it('okta: <issuer>/v1/token, client_secret_basic, custom scopes; core\'s issuer rule', () => {
    const o = okta({ issuer: 'https://example.okta.example/oauth2/default', clientId: 'svc', clientSecret: 's', scope: 'orders:read' })
    assert.equal(o.issuer, 'https://example.okta.example/oauth2/default')
    assert.equal(o.tokenEndpoint, 'https://example.okta.example/oauth2/default/v1/token')
    assert.equal(o.auth, 'client_secret_basic')
    assert.equal(o.scope, 'orders:read')
    assert.doesNotThrow(() => createTokenClient(o))
    for (const issuer of ['https://example.okta.example/oauth2/default/', 'https://example.okta.example']) {
      assert.throws(() => okta({ issuer, clientId: 'svc', clientSecret: 's' }), /okta\(\) "issuer" must be a custom authorization server issuer/)
    }
  })

  it('keycloak: realm issuer and its openid-connect token endpoint', () => {
    const o = keycloak({ baseUrl: 'https://sso.example/', realm: 'acme', clientId: 'svc', clientSecret: 's', scope: ['orders'] })
    assert.equal(o.issuer, 'https://sso.example/realms/acme')
    assert.equal(o.tokenEndpoint, 'https://sso.example/realms/acme/protocol/openid-connect/token')
    assert.equal(o.auth, 'client_secret_basic')
    assert.deepEqual(o.scope, ['orders'])
    assert.throws(() => keycloak({ baseUrl: 'https://sso.example', realm: '', clientId: 'svc', clientSecret: 's' }), /keycloak\(\) needs "realm"/)
  })

  it('presets refuse unknown options with a suggestion, and pass client options through', () => {
    assert.throws(() => okta({ issuer: 'https://e.okta.example/oauth2/default', clientId: 'c', clientSecret: 's', scpoe: 'x' } as never), {
      message: 'tokenguard: unknown option "scpoe" in okta() (did you mean "scope"?)',
    })
    assert.throws(() => auth0({ domain: 'd.example', clientId: 'c', clientSecret: 's', audience: 'a', tokenEndpoint: 'https://x' } as never), /unknown option "tokenEndpoint" in auth0\(\)/)
    assert.equal(auth0({ domain: 'd.example', clientId: 'c', clientSecret: 's', audience: 'a', timeoutDuration: '5s' }).timeoutDuration, '5s')
  })

  it('the same functions are exported at @tokenguard/client/presets', () => {
    assert.equal(presets.auth0, auth0)
    assert.equal(presets.entraId, entraId)
    assert.equal(presets.okta, okta)
    assert.equal(presets.keycloak, keycloak)
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
