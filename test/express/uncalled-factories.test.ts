/**
 * Newcomer slips found by trying the packed packages in a fresh plain-JavaScript app: a factory mounted
 * uncalled (`app.get('/x', authenticate, handler)`, `requireScopes` without its parentheses), scopes given as
 * one array or one space-delimited string. Each fails closed — never a 200, never a hang — and the message
 * names the fix.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { authenticate, requireAnyScope, requireClaim, requireScopes } from '@tokenguard/express'
import { tokenguard } from '@tokenguard/hono'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import { Hono } from 'hono'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

let key: SigningKey
let url: string
let server: Server
const errors: string[] = []

before(async () => {
  key = await generateSigningKey('ES256')
  const auth = authenticate({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, logger: false })
  const app = express()
  const open: RequestHandler = (_req, res) => void res.json({ open: true })
  app.get('/authenticate-uncalled', authenticate as unknown as RequestHandler, open)
  app.get('/require-scopes-uncalled', auth, requireScopes as unknown as RequestHandler, open)
  app.get('/require-any-scope-uncalled', auth, requireAnyScope as unknown as RequestHandler, open)
  app.get('/require-claim-uncalled', auth, requireClaim as unknown as RequestHandler, open)
  const recordError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
    errors.push(error.message)
    res.status(500).json({ error: 'server_error' })
  }
  app.use(recordError)
  server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('a factory mounted uncalled answers 500 with the fix, never the route', () => {
  for (const [path, fix] of [
    ['/authenticate-uncalled', /received a request object: the factory was mounted as middleware itself\. Call it once, at startup, with options and mount what it returns/],
    ['/require-scopes-uncalled', /a request object is not a valid scope name \(the guard factory was mounted as middleware itself: mount what it returns, e\.g\. requireScopes\('read:data'\)\)/],
    ['/require-any-scope-uncalled', /a request object is not a valid scope name \(the guard factory was mounted/],
    ['/require-claim-uncalled', /must be a value or a function \(the guard factory was mounted as middleware itself: mount what it returns, e\.g\. requireClaim/],
  ] as const) {
    // Without a token, authenticate() in front of a guard answers 401 first: the guard is reached with one.
    test(`${path}, with a valid token${path === '/authenticate-uncalled' ? ' and without one' : ''}`, async () => {
      const token = await signToken(key, { scope: 'read:data' })
      const attempts: Record<string, string>[] = path === '/authenticate-uncalled' ? [{}, { authorization: `Bearer ${token}` }] : [{ authorization: `Bearer ${token}` }]
      for (const headers of attempts) {
        errors.length = 0
        const response = await fetch(url + path, { headers, signal: AbortSignal.timeout(10_000) })
        assert.equal(response.status, 500)
        assert.deepEqual(await response.json(), { error: 'server_error' })
        assert.equal(errors.length, 1)
        assert.match(errors[0]!, fix)
      }
    })
  }
})

test('Hono: app.use(tokenguard) without options is refused with the same fix', async () => {
  const app = new Hono()
  app.onError((error, c) => {
    errors.push(error.message)
    return c.json({ error: 'server_error' }, 500)
  })
  app.use('/x', tokenguard as never)
  app.get('/x', (c) => c.json({ open: true }))
  errors.length = 0
  const response = await app.request('/x')
  assert.equal(response.status, 500)
  assert.match(errors[0] ?? '', /received a request object: the factory was mounted as middleware itself/)
})

test('scopes as one array or one space-delimited string are refused at startup, naming the form that works', () => {
  assert.throws(() => requireScopes(['read:data', 'write:data'] as never), /\["read:data","write:data"\] is not a valid scope name \(give each scope as its own argument, or spread the list: requireScopes\(\.\.\.scopes\)\)/)
  assert.throws(() => requireScopes('read:data write:data'), /"read:data write:data" is not a valid scope name \(one scope per entry: 'read:data', 'write:data'\)/)
  assert.throws(() => requireAnyScope(' a  b '), /\(one scope per entry: 'a', 'b'\)/)
  assert.throws(
    () => authenticate({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, scopes: ['read:data write:data'] }),
    /one scope per entry: 'read:data', 'write:data'/,
  )
  // A scope that merely looks odd but is valid RFC 6749 syntax still compiles.
  requireScopes('read:data', 'https://api.example.com/orders.read')
})
