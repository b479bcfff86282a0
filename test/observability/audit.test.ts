/**
 * The audit stream through the adapters, over real HTTP: one event per decision with the route *template*
 * (Express `req.baseUrl` + `req.route.path`, Fastify `routeOptions.url`), the peer address and the user
 * agent; sinks that throw change nothing; the options are checked at startup like every other.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import * as api from '@opentelemetry/api'
import { ConfigurationError, createVerifier, type DecisionEvent } from '@tokenguard/core'
import { authenticate } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import Fastify from 'fastify'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'

describe('audit events through the adapters', () => {
  let server: KeyServer
  let token: string
  const issuerOptions = () => ({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })

  before(async () => {
    server = await startKeyServer()
    token = await server.mint({ client_id: 'client-a', sub: 'user-1', jti: 'jti-audit' })
  })
  after(() => server.close())

  async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
    const http = app.listen(0, '127.0.0.1') as Server
    await once(http, 'listening')
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => new Promise((resolve) => http.close(() => resolve())) }
  }

  const call = (url: string, bearer = token) => fetch(url, { headers: { authorization: `Bearer ${bearer}`, 'user-agent': 'audit-test/2.0' } })

  test('Express: the route template, mounted routers included; app.use() before routing has no route', async () => {
    const events: DecisionEvent[] = []
    const auth = authenticate({ ...issuerOptions(), audit: (event) => void events.push(event), logger: false })
    const app = express()
    app.get('/items/:id', auth, (_req, res) => void res.json({ ok: true }))
    const router = express.Router()
    router.get('/orders/:orderId', auth, (_req, res) => void res.json({ ok: true }))
    app.use('/api', router)
    app.use('/open', auth, (_req, res) => void res.json({ ok: true }))
    const running = await listen(app)
    try {
      assert.equal((await call(`${running.url}/items/42`)).status, 200)
      assert.equal((await call(`${running.url}/api/orders/7?x=1`)).status, 200)
      assert.equal((await call(`${running.url}/open/anything`)).status, 200)
      assert.equal((await call(`${running.url}/items/43`, 'not-a-token')).status, 401)
    } finally {
      await running.close()
    }
    assert.deepEqual(events.map((event) => event.route), ['/items/:id', '/api/orders/:orderId', undefined, '/items/:id'])
    assert.deepEqual(events.map((event) => event.outcome), ['accepted', 'accepted', 'accepted', 'refused'])
    const [first] = events
    assert.equal(first!.remoteAddress, '127.0.0.1')
    assert.equal(first!.userAgent, 'audit-test/2.0')
    assert.equal(first!.method, 'GET')
    assert.equal(first!.jti, 'jti-audit')
    assert.equal(events[3]!.reason, 'token_malformed')
  })

  test('Fastify: routeOptions.url, the template of the matched route', async () => {
    const events: DecisionEvent[] = []
    const app = Fastify()
    await app.register(tokenguard, { ...issuerOptions(), audit: [(event) => void events.push(event)] })
    app.get('/items/:id', async () => ({ ok: true }))
    app.get('/public', { config: { auth: false } }, async () => ({ ok: true }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    try {
      assert.equal((await call(`${url}/items/42`)).status, 200)
      assert.equal((await call(`${url}/public`)).status, 200)
      assert.equal((await fetch(`${url}/items/43`)).status, 401)
    } finally {
      await app.close()
    }
    assert.deepEqual(events.map((event) => [event.outcome, event.route, event.reason]), [['accepted', '/items/:id', undefined], ['refused', '/items/:id', 'missing_token']])
    assert.equal(events[0]!.remoteAddress, '127.0.0.1')
  })

  test('several sinks each get every event; one that throws changes neither the answer nor the others', async () => {
    const seen: string[] = []
    const verifier = createVerifier({
      ...issuerOptions(),
      audit: [
        () => {
          throw new Error('sink bug')
        },
        (event) => void seen.push(event.outcome),
      ],
    })
    assert.equal((await verifier.decide({ headers: { authorization: `Bearer ${token}` } })).outcome, 'accepted')
    assert.deepEqual(seen, ['accepted'])
  })

  test('the options are checked at startup', () => {
    const base = issuerOptions()
    assert.throws(() => createVerifier({ ...base, audit: 'console' as never }), (error: unknown) => error instanceof ConfigurationError && error.option === 'audit')
    assert.throws(() => createVerifier({ ...base, telemetry: { api: {} as never } }), (error: unknown) => error instanceof ConfigurationError && error.option === 'telemetry.api')
    assert.throws(() => createVerifier({ ...base, telemetry: { api, clientId: 3 } as never }), /unknown option "clientId" in the "telemetry" option \(did you mean "clientIds"\?\)/)
    assert.throws(() => createVerifier({ ...base, telemetry: { api, clientIds: 0 } }), (error: unknown) => error instanceof ConfigurationError && error.option === 'telemetry.clientIds')
    assert.throws(() => createVerifier({ ...base, telemetry: { api, clientIds: ['ok', ''] } }), /"telemetry.clientIds" must be/)
    assert.throws(() => createVerifier({ ...base, audti: () => undefined } as never), /did you mean "audit"/)
    assert.throws(
      () => createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: server.issuer, audit: () => undefined }] }),
      /"audit" in issuers\[0\] belongs at the top level/,
    )
    assert.doesNotThrow(() => createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: server.issuer }], audit: () => undefined, telemetry: { api, clientIds: ['a'] } }))
  })
})
