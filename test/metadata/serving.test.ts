/**
 * RFC 9728 over real HTTP on every adapter: the document at its path-aware location (JSON, cacheable,
 * public, `resource` = the identifier), and `resource_metadata` in every challenge (400, 401, 403) pointing
 * at it.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { resourceMetadataUrl } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { assertRefusal } from '../support/challenge.js'
import { METADATA_APPS, REALM, RESOURCE, SCOPES, type MetadataApp } from './apps.js'

const METADATA_URL = resourceMetadataUrl(RESOURCE)
const METADATA_PATH = new URL(METADATA_URL).pathname

for (const adapter of METADATA_APPS) {
  describe(`protected resource metadata (${adapter.name})`, () => {
    let issuer: TestIssuer
    let app: MetadataApp
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

    before(async () => {
      issuer = await createTestIssuer({ audience: RESOURCE })
      app = await adapter.start(issuer.issuer)
    })
    after(async () => {
      await app.close()
      await issuer.stop()
    })

    test('serves the document at the path-aware location, without a token', async () => {
      assert.equal(METADATA_PATH, '/.well-known/oauth-protected-resource/v1')
      const response = await fetch(`${app.url}${METADATA_PATH}`)
      assert.equal(response.status, 200)
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
      assert.equal(response.headers.get('cache-control'), 'public, max-age=600')
      assert.equal(response.headers.get('access-control-allow-origin'), '*')
      assert.deepEqual(await response.json(), {
        resource: RESOURCE,
        authorization_servers: [issuer.issuer],
        scopes_supported: SCOPES,
        bearer_methods_supported: ['header'],
        resource_name: 'Orders API',
        resource_documentation: 'https://docs.tokenguard.test/orders',
      })
    })

    test('HEAD answers the headers without a body; a CORS preflight is answered', async () => {
      const head = await fetch(`${app.url}${METADATA_PATH}`, { method: 'HEAD' })
      assert.equal(head.status, 200)
      assert.equal(await head.text(), '')
      const preflight = await fetch(`${app.url}${METADATA_PATH}`, { method: 'OPTIONS', headers: { origin: 'https://inspector.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' } })
      assert.equal(preflight.status, 204)
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/)
    })

    test('only the resource\'s own location serves it (no host-level or appended-suffix copies)', async () => {
      for (const wrong of ['/.well-known/oauth-protected-resource', '/v1/.well-known/oauth-protected-resource', `${METADATA_PATH}/extra`]) {
        const response = await fetch(`${app.url}${wrong}`)
        assert.notEqual(response.status, 200, wrong)
        await response.arrayBuffer()
      }
    })

    test('401 without a token carries resource_metadata (and no error code)', async () => {
      const challenge = assertRefusal(await fetch(`${app.url}/v1/data`), 401, null, 'missing token')
      assert.deepEqual(challenge?.params, { realm: REALM, resource_metadata: METADATA_URL })
    })

    test('401 invalid_token carries resource_metadata', async () => {
      const challenge = assertRefusal(await fetch(`${app.url}/v1/data`, { headers: bearer(await issuer.sign({}, { audience: 'https://other.example' })) }), 401, 'invalid_token', 'wrong audience')
      assert.equal(challenge?.params.resource_metadata, METADATA_URL)
    })

    test('403 insufficient_scope carries scope and resource_metadata', async () => {
      const response = await fetch(`${app.url}/v1/data`, { method: 'POST', headers: bearer(await issuer.sign({}, { scope: 'read:data' })) })
      const challenge = assertRefusal(response, 403, 'insufficient_scope', 'missing write:data')
      assert.equal(challenge?.params.scope, 'write:data')
      assert.equal(challenge?.params.resource_metadata, METADATA_URL)
    })

    test('400 invalid_request carries resource_metadata', async () => {
      const challenge = assertRefusal(await fetch(`${app.url}/v1/data`, { headers: { authorization: 'Bearer a b' } }), 400, 'invalid_request', 'malformed header')
      assert.equal(challenge?.params.resource_metadata, METADATA_URL)
    })

    test('a valid token with the scope passes, and the challenge URL leads back to this resource', async () => {
      const ok = await fetch(`${app.url}/v1/data`, { headers: bearer(await issuer.sign({}, { scope: 'read:data' })) })
      assert.equal(ok.status, 200)
      await ok.arrayBuffer()
      const challenge = assertRefusal(await fetch(`${app.url}/v1/data`), 401, null)
      const advertised = new URL(challenge!.params.resource_metadata!)
      const document = (await (await fetch(`${app.url}${advertised.pathname}`)).json()) as { resource: string }
      // RFC 9728 §3.3: the document's resource is the identifier the well-known URL was built from.
      assert.equal(document.resource, RESOURCE)
      assert.equal(resourceMetadataUrl(document.resource), advertised.href)
    })
  })
}
