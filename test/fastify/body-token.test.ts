/**
 * RFC 6750 §2.2 form-body tokens in Fastify: with `allowBodyToken` the hook moves to preValidation (bodies
 * are parsed by then), and a form body parsed by @fastify/formbody carries the token.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import formbody from '@fastify/formbody'
import { assertRefusal } from '../support/challenge.js'
import { generateSigningKey, type SigningKey } from '../support/key-server.js'
import { signToken } from '../support/local-tokens.js'
import { bearer, localOptions, serve, type Served } from './serve.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

let key: SigningKey
let served: Served
const onRequestSaw: unknown[] = []
const preValidationSaw: unknown[] = []

before(async () => {
  key = await generateSigningKey('ES256')
  served = await serve(localOptions(key, { allowBodyToken: true }), async (app) => {
    await app.register(formbody)
    app.post('/form', {
      onRequest: async (request) => void onRequestSaw.push(request.auth),
      preValidation: async (request) => void preValidationSaw.push(request.auth?.claims.sub ?? null),
    }, async (request) => ({ sub: request.auth?.claims.sub }))
    app.get('/read', async (request) => ({ sub: request.auth?.claims.sub }))
    // Decorator hooks in onRequest would run before the body is parsed: the plugin moves them after authentication.
    app.post('/guarded', { config: { auth: false }, onRequest: app.requireScopes('read:data') }, async (request) => ({ sub: request.auth?.claims.sub }))
    app.post('/guarded-write', { onRequest: app.requireScopes('write:data') }, async () => ({ reached: true }))
    app.post('/json', async (request) => ({ sub: request.auth?.claims.sub }))
  })
})
after(() => served.close())

const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${served.url}${path}`, { method: 'POST', headers, body })

describe('allowBodyToken', () => {
  test('a form body token authenticates the request', async () => {
    const token = await signToken(key)
    const response = await post('/form', new URLSearchParams({ access_token: token, other: 'x' }).toString(), FORM)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { sub: 'client-1' })
  })

  test('a decorator hook in onRequest still sees the form body token (it runs after authentication)', async () => {
    const body = `access_token=${encodeURIComponent(await signToken(key))}`
    const guarded = await post('/guarded', body, FORM)
    assert.equal(guarded.status, 200)
    assert.deepEqual(await guarded.json(), { sub: 'client-1' })
    assertRefusal(await post('/guarded-write', body, FORM), 403, 'insufficient_scope')
  })

  test('with a charset parameter too', async () => {
    const response = await post('/form', `access_token=${encodeURIComponent(await signToken(key))}`, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
    assert.equal(response.status, 200)
  })

  test('authentication runs at preValidation: before the route preValidation hook, after onRequest', async () => {
    onRequestSaw.length = 0
    preValidationSaw.length = 0
    const response = await post('/form', `access_token=${encodeURIComponent(await signToken(key))}`, FORM)
    assert.equal(response.status, 200)
    assert.deepEqual(onRequestSaw, [null], 'onRequest ran before the body was parsed, so before authentication')
    assert.deepEqual(preValidationSaw, ['client-1'], 'the route preValidation hook saw request.auth set')
  })

  test('a refused body token never reaches the route preValidation hook', async () => {
    preValidationSaw.length = 0
    assertRefusal(await post('/form', 'access_token=not.a.token', FORM), 401, 'invalid_token')
    assert.deepEqual(preValidationSaw, [])
  })

  test('the header still works, on GET too', async () => {
    const response = await fetch(`${served.url}/read`, { headers: bearer(await signToken(key)) })
    assert.deepEqual(await response.json(), { sub: 'client-1' })
  })

  test('a header and a body token at once is 400 invalid_request', async () => {
    const token = await signToken(key)
    assertRefusal(await post('/form', `access_token=${encodeURIComponent(token)}`, { ...FORM, ...bearer(token) }), 400, 'invalid_request')
  })

  test('a JSON body is not a place for tokens', async () => {
    assertRefusal(await post('/json', JSON.stringify({ access_token: await signToken(key) }), { 'content-type': 'application/json' }), 401, null)
  })

  test('a repeated access_token in the form is 400 invalid_request', async () => {
    const token = encodeURIComponent(await signToken(key))
    assertRefusal(await post('/form', `access_token=${token}&access_token=${token}`, FORM), 400, 'invalid_request')
  })
})
