/**
 * Issue 11 case 8: a misconfiguration is not an outage. When the authorization server answers, but in a
 * way that shows the configuration cannot work — its metadata names another issuer, nothing is published at
 * either discovery location, the key set URL serves something that is not a JWK Set — `ready()` rejects
 * with a ConfigurationError that names the fix (startup fails; Fastify's `warmup: 'await'` fails), requests
 * get 503 with reason `keys_misconfigured`, and `fetch_failure` says `kind: 'configuration'`. A server that
 * does not answer stays an outage: boot, 503 `keys_unavailable`, recover.
 */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { ConfigurationError, createVerifier, isConfigurationError, KeysUnavailableError, type VerifierOptions } from '@tokenguard/core'
import { authenticate } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import Fastify from 'fastify'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { EventLog, FAST, sleepUntil, TARGETS } from './harness.js'

function optionsFor(server: KeyServer, log: EventLog, overrides: Partial<VerifierOptions> = {}): VerifierOptions {
  return { issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, ...FAST, onEvent: log.onEvent, ...overrides }
}

async function rejectsWithConfigurationError(ready: Promise<void>, option: string, message: RegExp): Promise<ConfigurationError> {
  let caught: unknown
  await ready.catch((error: unknown) => void (caught = error))
  assert.ok(caught instanceof ConfigurationError, `ready() rejects with a ConfigurationError, got ${String(caught)}`)
  assert.equal(caught.code, 'ERR_TOKENGUARD_CONFIG')
  assert.equal(caught.option, option)
  assert.match(caught.message, message)
  return caught
}

/** The three misconfigurations, each applied to a healthy key server: what the verifier is told, and what the message must say. */
const MISCONFIGURATIONS: ReadonlyArray<{ name: string; apply(server: KeyServer): Partial<VerifierOptions>; option: string; message(server: KeyServer): RegExp }> = [
  {
    name: 'issuer with a trailing slash the metadata does not have',
    apply: (server) => ({ issuer: `${server.issuer}/` }),
    option: 'issuer',
    message: (server) => new RegExp(`^tokenguard: metadata issuer "${server.issuer}" differs from the configured issuer "${server.issuer}/" — set issuer to exactly "${server.issuer}"`),
  },
  {
    name: 'discovery answers 404 at both locations',
    apply: (server) => {
      server.discoveryBehaviour = { kind: 'status', status: 404 }
      return {}
    },
    option: 'issuer',
    message: (server) => new RegExp(`no authorization server metadata found for issuer "${server.issuer}" \\(${server.issuer}/.well-known/openid-configuration: unexpected HTTP status 404; ${server.issuer}/.well-known/oauth-authorization-server: unexpected HTTP status 404\\) — set issuer to the exact issuer identifier`),
  },
  {
    name: 'jwksUri serves something that is not a JWK Set',
    apply: (server) => ({ jwksUri: `${server.issuer}/.well-known/openid-configuration` }),
    option: 'jwksUri',
    message: (server) => new RegExp(`the key set at ${server.issuer}/.well-known/openid-configuration is not usable: not a JWK Set \\(no "keys" array\\) — check "jwksUri"`),
  },
]

describe('issue 11 case 8: a misconfiguration is not an outage', () => {
  for (const mistake of MISCONFIGURATIONS) {
    test(`issue 11 case 8: ${mistake.name}: ready() rejects with a ConfigurationError naming the fix; fetch_failure says configuration`, async (t) => {
      const server = await startKeyServer()
      t.after(() => server.close())
      const log = new EventLog()
      const verifier = createVerifier(optionsFor(server, log, mistake.apply(server)))
      await rejectsWithConfigurationError(verifier.ready(), mistake.option, mistake.message(server))
      assert.deepEqual(log.of('fetch_failure').map((event) => event.kind), ['configuration'])
    })

    for (const target of TARGETS) {
      test(`issue 11 case 8: ${mistake.name} (${target.name}): requests get 503 keys_misconfigured, with Retry-After`, async (t) => {
        const server = await startKeyServer()
        t.after(() => server.close())
        const api = await target.start(optionsFor(server, new EventLog(), mistake.apply(server)))
        t.after(() => api.close())
        const outcome = await api.call(await server.mint())
        assert.equal(outcome.status, 503)
        assert.match(outcome.headers['retry-after'] ?? '', /^[1-9]\d*$/)
        assert.equal(outcome.headers['www-authenticate'], undefined, 'no challenge blaming the token')
        assert.deepEqual(api.refusals.map((refusal) => refusal.reason), ['keys_misconfigured'])
      })
    }
  }

  test('issue 11 case 8: a server that does not answer stays an outage: KeysUnavailableError, keys_unavailable, kind outage', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const log = new EventLog()
    const verifier = createVerifier(optionsFor(server, log))
    for (const down of [() => server.stop(), async () => { await server.start(); server.discoveryBehaviour = { kind: 'status', status: 503 } }]) {
      await down()
      await sleepUntil((log.of('fetch_failure').at(-1)?.retryAt ?? 0) + 10)
      await assert.rejects(verifier.ready(), (error: unknown) => error instanceof KeysUnavailableError && error.reason === 'keys_unavailable' && !isConfigurationError(error))
    }
    assert.deepEqual(log.of('fetch_failure').map((event) => event.kind), ['outage', 'outage'])
    server.discoveryBehaviour = { kind: 'ok' }
    await sleepUntil(log.of('fetch_failure').at(-1)!.retryAt + 10)
    await verifier.ready()
    await verifier.verify(await server.mint())
  })

  test('issue 11 case 8: a misconfiguration fixed on the server side is picked up by the retries (still 503 meanwhile)', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const log = new EventLog()
    server.discoveryBehaviour = { kind: 'status', status: 404 }
    const verifier = createVerifier(optionsFor(server, log))
    await assert.rejects(verifier.ready(), isConfigurationError)
    server.discoveryBehaviour = { kind: 'ok' }
    await sleepUntil(log.of('fetch_failure').at(-1)!.retryAt + 10)
    await verifier.ready()
    await verifier.verify(await server.mint())
  })

  test('issue 11 case 8: once keys were loaded, the same answers are an outage (the last good keys serve)', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const log = new EventLog()
    const verifier = createVerifier(optionsFor(server, log))
    await verifier.ready()
    server.behaviour = { kind: 'status', status: 404 }
    await verifier.keySource.refresh().catch(() => undefined)
    assert.deepEqual(log.of('fetch_failure').map((event) => event.kind), ['outage'])
    await verifier.ready()
    await verifier.verify(await server.mint())
  })

  test('issue 11 case 8: several issuers: ready() rejects with the misconfigured one\'s ConfigurationError', async (t) => {
    const [good, bad] = await Promise.all([startKeyServer(), startKeyServer()])
    t.after(() => Promise.all([good.close(), bad.close()]))
    const verifier = createVerifier({ issuers: [{ issuer: good.issuer }, { issuer: `${bad.issuer}/` }], allowInsecureHttp: true, audience: TEST_AUDIENCE, retryDelay: '50ms', timeoutDuration: 2000 })
    await rejectsWithConfigurationError(verifier.ready(), 'issuer', new RegExp(`differs from the configured issuer "${bad.issuer}/"`))
  })
})

describe('issue 11 case 8: startup fails on a misconfiguration, in both adapters', () => {
  test("issue 11 case 8: Fastify warmup 'await': registration fails with the ConfigurationError", async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const app = Fastify({ logger: false })
    t.after(() => app.close())
    await rejectsWithConfigurationError(
      Promise.resolve(app.register(tokenguard, { ...optionsFor(server, new EventLog()), issuer: `${server.issuer}/`, warmup: 'await' })).then(() => undefined),
      'issuer',
      /differs from the configured issuer/,
    )
  })

  test("issue 11 case 8: Fastify warmup 'background': the app boots, logs the misconfiguration at error level, answers 503", async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const lines: string[] = []
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void done(void lines.push(chunk.toString())) })
    const app = Fastify({ logger: { level: 'warn', stream } })
    t.after(() => app.close())
    await app.register(tokenguard, { ...optionsFor(server, new EventLog()), issuer: `${server.issuer}/`, warmup: 'background' })
    app.get('/whoami', async () => 'ok')
    await app.tokenguard.ready().catch(() => undefined)
    await new Promise((resolve) => setImmediate(resolve))
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } }).find((line) => line.msg.includes('configuration cannot work'))
    assert.ok(logged, `the misconfiguration was logged (${lines.join('')})`)
    assert.equal(logged.level, 50, 'at error level')
    assert.match(logged.err?.message ?? '', /differs from the configured issuer/)
    const response = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${await server.mint()}` } })
    assert.equal(response.statusCode, 503)
  })

  test('issue 11 case 8: Express: await auth.verifier.ready() rejects with both issuer strings side by side', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const auth = authenticate({ ...optionsFor(server, new EventLog()), issuer: `${server.issuer}/` })
    await rejectsWithConfigurationError(auth.verifier.ready(), 'issuer', new RegExp(`metadata issuer "${server.issuer}" differs from the configured issuer "${server.issuer}/"`))
  })
})
