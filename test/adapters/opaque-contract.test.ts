/**
 * The RFC 6750 contract for opaque tokens, over real HTTP against every adapter (Express 5, Express 4,
 * Fastify): oidc-provider issues opaque tokens, each app introspects them behind the same routes, guards
 * and scopes as JWTs, and an unreachable introspection endpoint is a 503.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { assertRefusal } from '../support/challenge.js'

const RESOURCE = 'https://api.tokenguard.test'
const REALM = 'tokenguard-test'
const SECRET = 'api-secret-at-the-provider-0123456789'

let as: AuthServer
let readWrite: string
let readOnly: string
let deadEndpoint: string

before(async () => {
  as = await startAuthServer({
    resource: RESOURCE,
    accessTokenFormat: 'opaque',
    apiClients: [{ grant_types: [], response_types: [], redirect_uris: [], client_id: 'api', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' }],
  })
  readWrite = await as.requestToken('readWrite', { scope: 'read:data write:data' })
  readOnly = await as.requestToken('readOnly', { scope: 'read:data' })
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/introspect`
  await new Promise<void>((resolve) => closed.close(() => resolve()))
})
after(() => as.close())

for (const adapter of ADAPTERS) {
  describe(`opaque tokens over ${adapter.name}`, () => {
    let app: RunningApp
    before(async () => {
      app = await adapter.start({ issuer: as.issuer, allowInsecureHttp: true, audience: RESOURCE, realm: REALM, introspection: { clientId: 'api', clientSecret: SECRET } })
    })
    after(() => app.close())

    const get = (path: string, token?: string, method = 'GET') =>
      fetch(`${app.url}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
    const lastReason = () => app.refusals.at(-1)?.reason

    test('the scope a route needs: 200 with the introspected claims', async () => {
      const response = await get('/data', readWrite)
      assert.equal(response.status, 200)
      assert.deepEqual(await response.json(), { client_id: 'read-write-client', scopes: ['read:data', 'write:data'] })
    })
    test('a missing scope: 403 insufficient_scope naming it', async () => {
      const challenge = assertRefusal(await get('/data', readOnly, 'POST'), 403, 'insufficient_scope', 'write')
      assert.equal(challenge?.params.scope, 'write:data')
      assert.equal(challenge?.params.realm, REALM)
    })
    test('any-of scopes, optional routes and claim guards work unchanged', async () => {
      assert.equal((await get('/any', readOnly)).status, 200)
      assert.deepEqual(await (await get('/maybe', readOnly)).json(), { client_id: 'read-only-client', scopes: ['read:data'] })
      assert.equal((await get('/client', readWrite)).status, 200)
      assertRefusal(await get('/client', readOnly), 401, 'invalid_token', 'claim guard')
      assert.equal(lastReason(), 'claim_requirement_failed')
    })
    test('a revoked token is 401 invalid_token (token_inactive)', async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data' })
      await as.revoke(token)
      const challenge = assertRefusal(await get('/data', token), 401, 'invalid_token', 'revoked')
      assert.equal(challenge?.params.error_description, 'The access token is invalid')
      assert.equal(lastReason(), 'token_inactive')
    })
    test('a made-up token is 401, on optional routes too', async () => {
      assertRefusal(await get('/maybe', 'madeUpOpaqueTokenThatTheProviderNeverIssued12'), 401, 'invalid_token', 'made up')
      assert.equal(lastReason(), 'token_inactive')
    })
    test('a JWT-shaped token that does not verify is refused without introspection', async () => {
      const before = as.introspectionRequestCount()
      assertRefusal(await get('/data', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), 401, 'invalid_token', 'jwt shaped')
      assert.equal(as.introspectionRequestCount(), before)
    })
    test('a token outside RFC 6750 b64token is a malformed request (400), never sent anywhere', async () => {
      const before = as.introspectionRequestCount()
      assertRefusal(await fetch(`${app.url}/data`, { headers: { authorization: 'Bearer abc"def' } }), 400, 'invalid_request', 'syntax')
      assert.equal(as.introspectionRequestCount(), before)
    })
    test('requests with one token cause one introspection', async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data' })
      const before = as.introspectionRequestCount()
      for (let i = 0; i < 20; i++) assert.equal((await get('/data', token)).status, 200)
      assert.equal(as.introspectionRequestCount() - before, 1)
    })
  })

  describe(`an unreachable introspection endpoint over ${adapter.name}`, () => {
    let app: RunningApp
    before(async () => {
      app = await adapter.start({ issuer: as.issuer, allowInsecureHttp: true, audience: RESOURCE, introspection: { endpoint: deadEndpoint, clientId: 'api', clientSecret: SECRET } })
    })
    after(() => app.close())

    test('503 with Retry-After and no challenge, never 401', async () => {
      const response = await fetch(`${app.url}/data`, { headers: { authorization: `Bearer ${readWrite}` } })
      assert.equal(response.status, 503)
      assert.match(response.headers.get('retry-after') ?? '', /^\d+$/)
      assert.equal(response.headers.get('www-authenticate'), null)
      assert.equal(app.refusals.at(-1)?.reason, 'introspection_unavailable')
    })
  })
}
