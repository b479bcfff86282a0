/**
 * @tokenguard/testing under Vitest: an Express API protected by @tokenguard/express, tested against a
 * real local issuer. Vitest runs the TypeScript itself: `npx vitest run --root examples/testing/vitest`.
 */
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { authenticate, requireScopes, type TokenGuardError } from '@tokenguard/express'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express, { type NextFunction, type Request, type Response } from 'express'

let issuer: TestIssuer
let api: { url: string; close: () => void }

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://orders.example.test' })
})
afterAll(() => issuer.stop())

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
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ client: 'test-client' })
})

test('a token without the scope is 403 insufficient_scope', async () => {
  const response = await getOrders(await issuer.sign())
  expect(response.status).toBe(403)
  expect(response.headers.get('www-authenticate') ?? '').toMatch(/error="insufficient_scope"/)
})

test('an expired token is 401 invalid_token', async () => {
  const response = await getOrders(await issuer.sign({}, { scope: 'orders:read', expired: true }))
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate') ?? '').toMatch(/error="invalid_token"/)
})

test('while the issuer is down the API answers 503, not 401', async () => {
  await issuer.outage('503')
  try {
    expect((await getOrders(await issuer.sign({}, { scope: 'orders:read' }))).status).toBe(503)
  } finally {
    await issuer.restore()
  }
})
