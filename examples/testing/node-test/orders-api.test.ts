/**
 * @tokenguard/testing under node:test: an Express API protected by @tokenguard/express, tested against a
 * real local issuer. Compiled by `tsc -b`, then `node --test build/examples/testing/node-test/`.
 */
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, afterEach, before, beforeEach, test } from 'node:test'
import { authenticate, requireScopes, type TokenGuardError } from '@tokenguard/express'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express, { type NextFunction, type Request, type Response } from 'express'

let issuer: TestIssuer
let api: { url: string; close: () => void }

before(async () => {
  issuer = await createTestIssuer({ audience: 'https://orders.example.test' })
})
after(() => issuer.stop())

// A fresh API (and verifier, with nothing cached) per test, so that each test decides what the issuer does.
beforeEach(async () => {
  const app = express()
  app.get('/orders', authenticate({ issuer: issuer.issuer, allowInsecureHttp: true, audience: 'https://orders.example.test' }), requireScopes('orders:read'), (req, res) => {
    res.json({ client: req.auth?.claims.client_id })
  })
  app.use((error: TokenGuardError, _req: Request, res: Response, _next: NextFunction) => void res.status(error.status ?? 500).json({ error: error.code }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  api = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})
afterEach(() => api.close())

const getOrders = (token: string) => fetch(`${api.url}/orders`, { headers: { authorization: `Bearer ${token}` } })

test('a token with the scope reads the orders', async () => {
  const response = await getOrders(await issuer.sign({}, { scope: 'orders:read' }))
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { client: 'test-client' })
})

test('a token without the scope is 403 insufficient_scope', async () => {
  const response = await getOrders(await issuer.sign())
  assert.equal(response.status, 403)
  assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/)
})

test('an expired token is 401 invalid_token', async () => {
  const response = await getOrders(await issuer.sign({}, { scope: 'orders:read', expired: true }))
  assert.equal(response.status, 401)
  assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
})

test('while the issuer is down the API answers 503, not 401', async () => {
  await issuer.outage('503')
  try {
    assert.equal((await getOrders(await issuer.sign({}, { scope: 'orders:read' }))).status, 503)
  } finally {
    await issuer.restore()
  }
})
