/**
 * End to end with a real authorization server: oidc-provider issues client_credentials RFC 9068 tokens,
 * tokenguard discovers it, fetches its keys and protects the same API on every adapter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeProtectedHeader } from 'jose'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { assertRefusal } from '../support/challenge.js'

const RESOURCE = 'https://api.tokenguard.test'
const OTHER_RESOURCE = 'https://other-api.tokenguard.test'

describe('tokens from a real oidc-provider', () => {
  let authServer: AuthServer
  let readWrite: string
  let readOnly: string
  let otherAudience: string

  before(async () => {
    authServer = await startAuthServer({ resource: RESOURCE, extraResources: [OTHER_RESOURCE] })
    readWrite = await authServer.requestToken('readWrite', { scope: 'read:data write:data' })
    readOnly = await authServer.requestToken('readOnly', { scope: 'read:data' })
    otherAudience = await authServer.requestToken('readWrite', { scope: 'read:data', resource: OTHER_RESOURCE })
  })
  after(() => authServer.close())

  test('the authorization server issues typed JWT access tokens', () => {
    assert.equal(decodeProtectedHeader(readWrite).typ, 'at+jwt')
  })

  for (const adapter of ADAPTERS) {
    describe(adapter.name, () => {
      let app: RunningApp
      before(async () => {
        app = await adapter.start({ issuer: authServer.issuer, allowInsecureHttp: true, audience: RESOURCE, profile: 'rfc9068' })
      })
      after(() => app.close())

      const get = (path: string, token?: string, method = 'GET') =>
        fetch(`${app.url}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })

      test('read-write client reads', async () => {
        const response = await get('/data', readWrite)
        assert.equal(response.status, 200)
        assert.deepEqual(await response.json(), { sub: 'read-write-client', client_id: 'read-write-client', scopes: ['read:data', 'write:data'] })
      })
      test('read-write client writes', async () => {
        assert.equal((await get('/data', readWrite, 'POST')).status, 200)
      })
      test('read-only client cannot write: 403 naming write:data', async () => {
        const response = await get('/data', readOnly, 'POST')
        const challenge = assertRefusal(response, 403, 'insufficient_scope', 'read-only write')
        assert.equal(challenge?.params.scope, 'write:data')
      })
      test('a token for another resource is refused', async () => {
        assertRefusal(await get('/data', otherAudience), 401, 'invalid_token', 'other audience')
        assert.equal(app.refusals.at(-1)?.reason, 'audience_mismatch')
      })
      test('claim guard sees the real client_id', async () => {
        assert.equal((await get('/client', readWrite)).status, 200)
        assertRefusal(await get('/client', readOnly), 401, 'invalid_token', 'other client')
      })
    })
  }
})
