/**
 * Hono behaviour beyond the contract table: guards where no `tokenguard()` ran (500 naming the fix, never a
 * pass), declaration-time validation, anonymous requests and guards, body tokens with the body still
 * readable, the refusal log, and the RFC 9728 metadata middleware. Through `app.request()`, Hono's own
 * entry point (the contract table covers the same app over HTTP).
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier, protectedResourceMetadata, requireAnyScope, requireClaim, requireScopes, resourceMetadataUrl, tokenguard, type Verifier } from '@tokenguard/hono'
import { Hono, type Context } from 'hono'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

let key: SigningKey
let verifier: Verifier
let good: string

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api' })
  good = await signToken(key)
})

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

function capture() {
  const lines: Array<[string, string]> = []
  const logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (line: string) => void lines.push([level, line])])) as unknown as Console
  return { lines, logger }
}

describe('guards', () => {
  test('a guard where no tokenguard() ran answers 500 server_error, naming the fix in the log — never a pass', async (t) => {
    const errors = t.mock.method(console, 'error', () => undefined)
    const app = new Hono()
    app.get('/open', requireScopes('read:data'), (c) => c.text('reached'))
    const response = await app.request('/open', bearer(good))
    assert.equal(response.status, 500)
    assert.deepEqual(await response.json(), { error: 'server_error', error_description: 'The server cannot check access tokens on this route' })
    assert.equal(errors.mock.callCount(), 1)
    assert.match(String(errors.mock.calls[0]!.arguments[0]), /authentication_missing.*requireScopes\(\) ran on GET \/open without tokenguard\(\) before it: add app\.use\('\/path\/\*', tokenguard\(options\)\)/)
  })

  test('guards compile at declaration: empty lists and bad scope names are TypeErrors', () => {
    assert.throws(() => requireScopes(), /requireScopes needs at least one scope/)
    assert.throws(() => requireAnyScope(), /requireAnyScope needs at least one scope/)
    assert.throws(() => requireScopes('read data'), /is not a valid scope name/)
    assert.throws(() => requireClaim('tenant', undefined as never), TypeError)
  })

  test('an anonymous request on an optional route is null for the handler, and 401 for a guard after it', async () => {
    const app = new Hono()
    app.use('/*', tokenguard({ verifier, optional: true, logger: false }))
    app.get('/maybe', (c) => c.json({ auth: c.get('auth') }))
    app.get('/guarded', requireScopes('read:data'), (c) => c.text('reached'))
    assert.deepEqual(await (await app.request('/maybe')).json(), { auth: null })
    const refused = await app.request('/guarded')
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="api"')
    assert.equal((await app.request('/guarded', bearer(good))).status, 200)
  })

  test('guards use the reporting of the tokenguard() before them, with the route template', async () => {
    const { lines, logger } = capture()
    const seen: Context[] = []
    const app = new Hono()
    app.use('/logged/*', tokenguard({ verifier, logger }))
    app.use('/hooked/*', tokenguard({ verifier, onError: (_error, c) => void seen.push(c) }))
    app.get('/logged/:id', requireScopes('write:data'), (c) => c.text('reached'))
    app.get('/hooked/:id', requireAnyScope('admin'), (c) => c.text('reached'))
    assert.equal((await app.request('/logged/4711', bearer(good))).status, 403)
    assert.deepEqual(lines.map(([level]) => level), ['info'])
    assert.match(lines[0]![1], /^tokenguard refused GET \/logged\/:id: 403 insufficient_scope/)
    assert.equal((await app.request('/hooked/1', bearer(good))).status, 403)
    assert.equal(seen.length, 1)
    assert.equal(seen[0]!.req.path, '/hooked/1')
  })
})

describe('tokenguard()', () => {
  test('options are checked at startup', () => {
    assert.throws(() => tokenguard({ verifier, scope: ['a'] } as never), /unknown option "scope" in tokenguard\(\) options \(did you mean "scopes"\?\)/)
    assert.throws(() => tokenguard({ verifier, anyScopes: [] }), /needs at least one scope/)
    assert.throws(() => tokenguard({ verifier, logger: {} } as never), /"logger" must have debug\/info\/warn\/error methods/)
    assert.throws(() => tokenguard({ verifier, logLevels: { refused: 'loud' } } as never), /log level "loud"/)
    assert.throws(() => tokenguard(null as never), /tokenguard\(\) options must be an object/)
  })

  test('a body token is read from a clone: the handler still parses the form', async () => {
    const bodyVerifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, allowBodyToken: true })
    const app = new Hono()
    app.post('/form', tokenguard({ verifier: bodyVerifier, logger: false }), async (c) => c.json({ client: c.get('auth')?.claims.client_id, form: await c.req.parseBody() }))
    const response = await app.request('/form', { method: 'POST', body: `note=hi&access_token=${good}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    assert.deepEqual(await response.json(), { client: 'client-1', form: { note: 'hi', access_token: good } })
  })

  test('errors that are not refusals reach Hono\'s error handler', async () => {
    const app = new Hono()
    app.use('/*', tokenguard({ verifier, logger: false }))
    app.get('/bug', () => {
      throw new Error('handler bug')
    })
    app.onError((error, c) => c.text(`caught ${error.message}`, 500))
    const response = await app.request('/bug', bearer(good))
    assert.equal(await response.text(), 'caught handler bug')
  })
})

describe('protectedResourceMetadata()', () => {
  const resource = 'https://api.example/mcp'

  test('serves the document (GET, HEAD, preflight) at its path and passes everything else on', async () => {
    const advertising = createVerifier({ issuer: LOCAL_ISSUER, audience: resource, jwks: { keys: [key.publicJwk] }, resourceMetadata: resourceMetadataUrl(resource) })
    const app = new Hono()
    app.use(protectedResourceMetadata({ verifier: advertising, resource, scopesSupported: ['read:data'] }))
    app.use('/mcp', tokenguard({ verifier: advertising, logger: false }))
    app.post('/mcp', (c) => c.text('reached'))
    const document = await app.request('/.well-known/oauth-protected-resource/mcp')
    assert.equal(document.status, 200)
    assert.deepEqual(await document.json(), { resource, authorization_servers: [LOCAL_ISSUER], bearer_methods_supported: ['header'], scopes_supported: ['read:data'] })
    assert.equal(await (await app.request('/.well-known/oauth-protected-resource/mcp', { method: 'HEAD' })).text(), '')
    const preflight = await app.request('/.well-known/oauth-protected-resource/mcp', { method: 'OPTIONS' })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
    const refused = await app.request('/mcp', { method: 'POST' })
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('www-authenticate'), `Bearer resource_metadata="${resourceMetadataUrl(resource)}"`)
  })

  test('refuses to start when the verifier\'s challenges do not advertise the document', () => {
    assert.throws(() => protectedResourceMetadata({ verifier, resource }), /resourceMetadata/)
  })
})
