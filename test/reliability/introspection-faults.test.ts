/**
 * When the introspection endpoint cannot answer — down, hanging, failing, answering garbage or too much,
 * redirecting, or refusing this API's credentials — the answer is 503 with `Retry-After`, never 401; the
 * JWT path of the same verifier keeps working; a fault is never remembered as a verdict; and the API's
 * client secret appears in no error, event or log line. Against real servers on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, beforeEach, describe, test } from 'node:test'
import { createVerifier, type KeySourceEvent, type TokenGuardError, type VerifierOptions } from '@tokenguard/core'
import { logRefusal, settleLogLevels, type Logger } from '@tokenguard/core/adapter'
import { startServer, type TestServer } from '../support/http-server.js'
import { opaqueToken, startIntrospectionServer, type IntrospectionBehaviour, type IntrospectionServer } from '../support/introspection-server.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { expectRefusal } from '../support/refusal.js'

let as: IntrospectionServer
let keys: KeyServer
let elsewhere: TestServer

before(async () => {
  as = await startIntrospectionServer()
  keys = await startKeyServer()
  elsewhere = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":true}'))
})
after(async () => {
  await Promise.all([as.close(), keys.close(), elsewhere.close()])
})
beforeEach(async () => {
  as.behaviour = { kind: 'ok' }
  await as.start()
})

/** Everything the operator can see of one verifier: events, log lines, refusals. */
function observed(options: Partial<VerifierOptions> = {}, secret = as.clientSecret) {
  const events: KeySourceEvent[] = []
  const lines: Array<[string, string]> = []
  const logger: Logger = {
    debug: (line) => void lines.push(['debug', line]),
    info: (line) => void lines.push(['info', line]),
    warn: (line) => void lines.push(['warn', line]),
    error: (line) => void lines.push(['error', line]),
  }
  const verifier = createVerifier({
    issuer: keys.issuer,
    allowInsecureHttp: true,
    audience: TEST_AUDIENCE,
    timeoutDuration: '500ms',
    maxResponseSize: 4096,
    onEvent: (event) => events.push(event),
    ...options,
    introspection: { endpoint: as.endpoint, clientId: as.clientId, clientSecret: secret, requireAudience: false },
  })
  async function refusal(token = opaqueToken()): Promise<TokenGuardError> {
    const decision = await verifier.decide({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } })
    assert.equal(decision.outcome, 'refused')
    const error = (decision as { error: TokenGuardError }).error
    logRefusal(logger, settleLogLevels(undefined), error, 'GET /')
    return error
  }
  return { verifier, events, lines, refusal }
}

const outages: Array<[string, IntrospectionBehaviour]> = [
  ['hanging past timeoutDuration', { kind: 'hang' }],
  ['a 500', { kind: 'status', status: 500 }],
  ['a 502', { kind: 'status', status: 502 }],
  ['a 429', { kind: 'status', status: 429 }],
  ['garbage instead of JSON', { kind: 'garbage' }],
  ['JSON without a boolean "active"', { kind: 'not-an-answer' }],
  ['an answer larger than maxResponseSize', { kind: 'oversized', bytes: 64 * 1024 }],
]

describe('outages are 503 with Retry-After, never 401', () => {
  for (const [name, behaviour] of outages) {
    test(name, async () => {
      as.behaviour = behaviour
      const { refusal, events, lines } = observed()
      const error = await refusal()
      assert.equal(error.status, 503)
      assert.equal(error.reason, 'introspection_unavailable')
      assert.match(error.headers['Retry-After'] ?? '', /^\d+$/)
      assert.equal(error.wwwAuthenticate, undefined)
      const failure = events.find((event) => event.type === 'introspection_failure')
      assert.ok(failure !== undefined && failure.type === 'introspection_failure' && failure.configuration === false)
      assert.equal(lines[0]![0], 'warn')
    })
  }

  test('the endpoint down (connection refused)', async () => {
    await as.stop()
    const error = await observed().refusal()
    assert.equal(error.status, 503)
    assert.equal(error.reason, 'introspection_unavailable')
  })

  test('while introspection is down, JWTs of the same issuer still verify', async () => {
    await as.stop()
    const { verifier, refusal } = observed()
    assert.equal((await refusal()).status, 503)
    assert.equal((await verifier.verify(await keys.mint())).claims.iss, keys.issuer)
  })

  test('a fault is not remembered: once the endpoint is back the same token is accepted', async () => {
    const token = opaqueToken()
    as.answers.set(token, { active: true })
    as.behaviour = { kind: 'status', status: 503 }
    const { verifier, refusal } = observed()
    assert.equal((await refusal(token)).status, 503)
    as.behaviour = { kind: 'ok' }
    assert.equal((await verifier.verify(token)).claims.active, true)
  })

  test('discovery that names no introspection_endpoint is a misconfiguration (503) naming the option to set', async () => {
    as.discovery = { introspection_endpoint: undefined }
    try {
      const verifier = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, introspection: { clientId: as.clientId, clientSecret: as.clientSecret } })
      const error = await expectRefusal(verifier.verify(opaqueToken()), 'introspection_misconfigured', 503)
      assert.match(error.detail ?? '', /introspection_endpoint.*set introspection.endpoint/)
    } finally {
      as.discovery = {}
    }
  })
})

describe("the endpoint refusing this API's own request is a misconfiguration: 503 on the wire, an error in the log", () => {
  test('wrong credentials (401)', async () => {
    const { refusal, events, lines } = observed({}, 'not-the-secret')
    const error = await refusal()
    assert.equal(error.status, 503)
    assert.equal(error.reason, 'introspection_misconfigured')
    assert.match(error.detail ?? '', /HTTP 401.*check introspection.clientId, its credentials and clientAuth/)
    const failure = events.find((event) => event.type === 'introspection_failure')
    assert.ok(failure !== undefined && failure.type === 'introspection_failure' && failure.configuration === true)
    assert.equal(lines[0]![0], 'error')
  })

  for (const status of [400, 403]) {
    test(`HTTP ${status}`, async () => {
      as.behaviour = { kind: 'status', status }
      assert.equal((await observed().refusal()).reason, 'introspection_misconfigured')
    })
  }

  test('a redirect is not followed: the token goes nowhere else', async () => {
    as.behaviour = { kind: 'redirect', location: `${elsewhere.url}/introspect` }
    const before = elsewhere.requests.length
    const error = await observed().refusal()
    assert.equal(error.reason, 'introspection_misconfigured')
    assert.equal(elsewhere.requests.length, before)
  })
})

describe('the client secret stays secret', () => {
  test('no error, cause, event or log line carries the secret (plain, form-encoded or in the Basic credential), nor the token', async () => {
    const secret = 'super-secret/value+with=chars&1'
    const encoded = new URLSearchParams({ v: secret }).toString().slice(2)
    const basic = Buffer.from(`${as.clientId}:${encoded}`).toString('base64')
    const seen: string[] = []
    const tokens: string[] = []
    for (const behaviour of [{ kind: 'ok' }, ...outages.map(([, b]) => b), { kind: 'status', status: 403 }, { kind: 'redirect', location: elsewhere.url }] as IntrospectionBehaviour[]) {
      as.behaviour = behaviour
      const { refusal, events, lines } = observed({}, secret)
      const token = opaqueToken()
      tokens.push(token)
      const error = await refusal(token)
      seen.push(error.message, error.describe(), String(error), inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), JSON.stringify(events), ...lines.map(([, line]) => line))
      if (error.cause !== undefined) seen.push(inspect(error.cause, { depth: Infinity, showHidden: true }))
    }
    await as.stop()
    const down = observed({}, secret)
    const error = await down.refusal()
    seen.push(error.describe(), inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(down.events))
    seen.push(JSON.stringify(down.verifier.settings), inspect(down.verifier.settings, { depth: Infinity }), inspect(down.verifier, { depth: 4 }))
    const all = seen.join('\n')
    for (const needle of [secret, encoded, basic, ...tokens]) assert.ok(!all.includes(needle), `leaked: ${needle}`)
    assert.match(all, /introspection_misconfigured/, 'the misconfiguration itself is told')
  })
})
