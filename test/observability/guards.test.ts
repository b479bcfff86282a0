/**
 * Refusals by guards are observed, once. After authentication accepted a token, a guard may still answer
 * 403 `insufficient_scope` or 401 `claim_requirement_failed` (Express `requireScopes()`, Hono guards, NestJS
 * decorators, Fastify decorator hooks): the metrics, the audit stream and the `tokenguard:decision` channel
 * must say *refused, with the guard's reason* — not the acceptance, and not both. Run over real HTTP against
 * every adapter, with the real OpenTelemetry metrics SDK and an in-memory exporter.
 */
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { DECISION_CHANNEL, type DecisionEvent } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import Fastify from 'fastify'
import { ADAPTERS } from '../support/apps.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { pointsOf, registerTelemetry, total, type Point } from '../support/telemetry.js'

const VERIFICATIONS = 'tokenguard.verifications'

/** What each request of the run should be recorded as: [outcome, reason, status]. */
const EXPECTED: ReadonlyArray<readonly [string, string | undefined, number | undefined]> = [
  ['accepted', undefined, undefined],
  ['refused', 'insufficient_scope', 403],
  ['refused', 'claim_requirement_failed', 401],
  ['refused', 'missing_token', 401],
  ['anonymous', undefined, undefined],
]

interface Observed {
  statuses: number[]
  points: Point[]
  events: DecisionEvent[]
  published: DecisionEvent[]
}

/** Runs `work` with fresh telemetry, an audit sink and a channel subscriber; collects after `work` closed its server. */
async function observe(work: (options: { telemetry: { api: typeof import('@opentelemetry/api') }; audit: (event: DecisionEvent) => void }) => Promise<number[]>): Promise<Observed> {
  const telemetry = registerTelemetry()
  const events: DecisionEvent[] = []
  const published: DecisionEvent[] = []
  const listener = (message: unknown) => void published.push(message as DecisionEvent)
  diagnostics.subscribe(DECISION_CHANNEL, listener)
  try {
    const statuses = await work({ telemetry: { api: telemetry.api }, audit: (event) => void events.push(event) })
    return { statuses, points: await telemetry.collect(), events, published }
  } finally {
    diagnostics.unsubscribe(DECISION_CHANNEL, listener)
    await telemetry.shutdown()
  }
}

const summary = (event: DecisionEvent) => [event.outcome, event.reason, event.status] as const

function assertRecordedOnce(observed: Observed, label: string): void {
  const { points, events, published } = observed
  assert.equal(total(points, VERIFICATIONS), EXPECTED.length, `${label}: one count per request, not one per step`)
  assert.equal(total(points, VERIFICATIONS, { outcome: 'accepted' }), 1, `${label}: the 403 and the 401 are not counted as accepted`)
  assert.equal(total(points, VERIFICATIONS, { outcome: 'anonymous' }), 1, label)
  for (const [outcome, reason, status] of EXPECTED.filter(([outcome]) => outcome === 'refused')) {
    assert.equal(total(points, VERIFICATIONS, { outcome, reason, status }), 1, `${label}: ${reason}`)
  }
  assert.equal(pointsOf(points, 'tokenguard.verification.duration').reduce((sum, point) => sum + point.value, 0), EXPECTED.length, `${label}: one duration per request`)
  assert.deepEqual(events.map(summary).sort(), EXPECTED.map((entry) => [...entry]).sort(), `${label}: the audit stream`)
  assert.deepEqual(published.map(summary).sort(), EXPECTED.map((entry) => [...entry]).sort(), `${label}: the decision channel`)
  const scope = events.find((event) => event.reason === 'insufficient_scope')!
  assert.equal(scope.verified, true, `${label}: the guard's refusal carries the verified token's facts`)
  assert.equal(scope.client_id, 'client-1')
  assert.deepEqual(scope.scopesGranted, ['read:data'])
}

describe('guard refusals are reported once, as refusals, through every adapter', () => {
  let server: KeyServer
  let token: string

  before(async () => {
    server = await startKeyServer()
    token = await server.mint() // read:data, client_id client-1
  })
  after(() => server.close())

  const bearer = () => ({ authorization: `Bearer ${token}` })

  for (const adapter of ADAPTERS) {
    test(adapter.name, async () => {
      const observed = await observe(async (observability) => {
        const app = await adapter.start({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, ...observability })
        try {
          await app.verifier.ready()
          const requests: Array<[string, string, Record<string, string>]> = [
            ['GET', '/data', bearer()], // read:data: 200
            ['POST', '/data', bearer()], // write:data: 403 insufficient_scope
            ['GET', '/client', bearer()], // client_id read-write-client: 401 claim_requirement_failed
            ['GET', '/whoami', {}], // 401 missing_token
            ['GET', '/maybe', {}], // optional: 200 anonymous
          ]
          const statuses: number[] = []
          for (const [method, path, headers] of requests) {
            const response = await fetch(`${app.url}${path}`, { method, headers })
            await response.arrayBuffer()
            statuses.push(response.status)
          }
          return statuses
        } finally {
          await app.close() // every response closed: nothing left waiting to be reported
        }
      })
      assert.deepEqual(observed.statuses, [200, 403, 401, 401, 200])
      assertRecordedOnce(observed, adapter.name)
    })
  }

  test('Fastify decorator guards: after the plugin\'s authentication, and alone on a public route', async () => {
    const observed = await observe(async (observability) => {
      const app = Fastify()
      await app.register(tokenguard, { issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, ...observability })
      app.get('/admin', { preHandler: app.requireScopes('admin') }, async () => ({ ok: true }))
      app.get('/open-admin', { config: { auth: false }, onRequest: [app.requireScopes('read:data'), app.requireScopes('admin')] }, async () => ({ ok: true }))
      app.get('/read', { preHandler: [app.requireScopes('read:data'), app.requireAnyScope('read:data', 'x')] }, async () => ({ ok: true }))
      await app.listen({ port: 0, host: '127.0.0.1' })
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      try {
        const statuses: number[] = []
        for (const path of ['/admin', '/open-admin', '/read']) statuses.push((await fetch(`${url}${path}`, { headers: bearer() })).status)
        return statuses
      } finally {
        await app.close()
      }
    })
    assert.deepEqual(observed.statuses, [403, 403, 200])
    assert.equal(total(observed.points, VERIFICATIONS), 3)
    assert.equal(total(observed.points, VERIFICATIONS, { outcome: 'refused', reason: 'insufficient_scope', status: 403, route: '/admin' }), 1)
    assert.equal(total(observed.points, VERIFICATIONS, { outcome: 'refused', reason: 'insufficient_scope', status: 403, route: '/open-admin' }), 1, 'the second guard\'s refusal replaces the first guard\'s acceptance')
    assert.equal(total(observed.points, VERIFICATIONS, { outcome: 'accepted', route: '/read' }), 1)
    assert.deepEqual(observed.events.find((event) => event.route === '/admin')?.scopesRequired, { all: ['admin'], any: [] }, 'what the refusing guard required')
  })

  test('Express: authenticate() twice on one request (app.use and the route) and a guard: still one report', async () => {
    const observed = await observe(async (observability) => {
      const auth = authenticate({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, logger: false, ...observability })
      const app = express()
      app.use(auth)
      app.get('/admin', auth, requireScopes('admin'), (_req, res) => void res.json({ ok: true }))
      app.get('/read', auth, requireScopes('read:data'), (_req, res) => void res.json({ ok: true }))
      const http = app.listen(0, '127.0.0.1') as Server
      await once(http, 'listening')
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
      try {
        const statuses: number[] = []
        for (const path of ['/admin', '/read']) {
          const response = await fetch(`${url}${path}`, { headers: bearer() })
          await response.arrayBuffer()
          statuses.push(response.status)
        }
        return statuses
      } finally {
        http.closeAllConnections()
        await new Promise((resolve) => http.close(resolve))
      }
    })
    assert.deepEqual(observed.statuses, [403, 200])
    assert.deepEqual(observed.events.map((event) => [event.outcome, event.reason, event.route]), [['refused', 'insufficient_scope', '/admin'], ['accepted', undefined, '/read']])
    assert.equal(total(observed.points, VERIFICATIONS), 2)
  })
})
