/**
 * Warm-up: fetching discovery and keys before the first request, without letting an identity provider
 * outage stop the API from booting. Core `verifier.ready()`, the Fastify plugin's `warmup` option, and
 * Express' documented `await middleware.verifier.ready()`.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { createVerifier, KeysUnavailableError } from '@tokenguard/core'
import { authenticate } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import Fastify from 'fastify'
import { TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { CORE, EventLog, FAST, rig } from './harness.js'

function optionsFor(server: KeyServer, log: EventLog) {
  return { issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...FAST, onEvent: log.onEvent }
}

async function get(url: string, token: string): Promise<Response> {
  const response = await fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${token}` } })
  await response.arrayBuffer()
  return response
}

/** A Fastify app with the plugin registered in `warmup` mode; `registered` is when `register` resolved. */
async function fastifyApp(server: KeyServer, log: EventLog, warmup: 'await' | 'background' | 'off', logs: string[] = [], timeoutDuration?: number) {
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void done(void logs.push(chunk.toString())) })
  const app = Fastify({ logger: { level: 'warn', stream } })
  await app.register(tokenguard, { ...optionsFor(server, log), ...(timeoutDuration === undefined ? {} : { timeoutDuration }), warmup })
  const registered = { jwks: server.counts.jwks, discovery: server.counts.discovery, events: log.types() }
  app.get('/whoami', async (request) => ({ sub: request.auth?.claims.sub }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, registered }
}

describe('verifier.ready() (core)', () => {
  test('fetches discovery and the key set once, however often it is awaited', async (t) => {
    const { server, target, close } = await rig(CORE.start)
    t.after(close)
    await Promise.all([target.verifier.ready(), target.verifier.ready(), target.verifier.ready()])
    await target.verifier.ready()
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1])
    assert.equal((await target.call(await server.mint())).status, 200)
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1], 'the first request needed no fetch')
  })

  test('rejects with KeysUnavailableError (503, Retry-After) when the key server is down', async (t) => {
    const { server, target, close } = await rig(CORE.start)
    t.after(close)
    await server.stop()
    await assert.rejects(target.verifier.ready(), (error) => {
      assert.ok(error instanceof KeysUnavailableError)
      assert.equal(error.status, 503)
      assert.ok(error.retryAfter >= 1)
      return true
    })
  })
})

describe('Fastify plugin warmup', () => {
  test("'await': the keys are fetched when register resolves", async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    const log = new EventLog()
    const { app, url, registered } = await fastifyApp(server, log, 'await')
    t.after(() => app.close())
    assert.deepEqual([registered.discovery, registered.jwks], [1, 1])
    assert.equal((await get(url, await server.mint())).status, 200)
    assert.equal(server.counts.jwks, 1, 'no fetch on the first request')
  })

  test("'background': register resolves while the fetch is still under way", async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    server.behaviour = { kind: 'slow', delayMs: 300 }
    const log = new EventLog()
    const { app, url, registered } = await fastifyApp(server, log, 'background', [], 5000)
    t.after(() => app.close())
    assert.ok(registered.events.includes('fetch_start'), 'the warm-up fetch had started')
    assert.ok(!registered.events.includes('fetch_success'), `register did not wait for it (events then: ${registered.events.join(', ')})`)
    await app.tokenguard.ready()
    assert.equal((await get(url, await server.mint())).status, 200)
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1], 'the request used the warmed-up keys')
  })

  test("'off': nothing is fetched until the first request", async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    const log = new EventLog()
    const { app, url, registered } = await fastifyApp(server, log, 'off')
    t.after(() => app.close())
    assert.deepEqual([registered.discovery, registered.jwks, registered.events.length], [0, 0, 0])
    assert.equal((await get(url, await server.mint())).status, 200)
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1])
  })

  test("'await' with the identity provider down: the app boots, logs a warning and answers 503", async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    const token = await server.mint()
    await server.stop()
    const logs: string[] = []
    const { app, url } = await fastifyApp(server, new EventLog(), 'await', logs)
    t.after(() => app.close())
    assert.ok(logs.some((line) => line.includes('could not fetch the issuer keys at startup')), 'the outage was logged')
    const response = await get(url, token)
    assert.equal(response.status, 503)
    assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
  })
})

describe('Express: await middleware.verifier.ready() before listening', () => {
  test('the keys are there before the first request', async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    const auth = authenticate(optionsFor(server, new EventLog()))
    await auth.verifier.ready()
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1])
    const app = express()
    app.get('/whoami', auth, (req, res) => void res.json({ sub: req.auth?.claims.sub }))
    const listening = app.listen(0, '127.0.0.1') as Server
    await once(listening, 'listening')
    t.after(() => new Promise<void>((resolve) => listening.close(() => resolve())))
    assert.equal((await get(`http://127.0.0.1:${(listening.address() as AddressInfo).port}`, await server.mint())).status, 200)
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1])
  })

  test('a verifier shared with createVerifier() warms up the same way', async (t) => {
    const { server, close } = await rig(CORE.start)
    t.after(close)
    const verifier = createVerifier(optionsFor(server, new EventLog()))
    const auth = authenticate({ verifier })
    await auth.verifier.ready()
    assert.equal(auth.verifier, verifier)
    assert.equal(server.counts.jwks, 1)
  })
})
