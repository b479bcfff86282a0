/**
 * Node's diagnostics_channel: `tokenguard:decision` and `tokenguard:keys` subscribed by name, as an APM
 * would, without any option on the verifier. Payloads are documented (README) and never carry the token;
 * when nobody subscribes nothing is built — not even the clock is read.
 */
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { after, before, describe, test } from 'node:test'
import { createVerifier, DECISION_CHANNEL, KEYS_CHANNEL, type DecisionEvent, type KeysChannelMessage, type RequestView } from '@tokenguard/core'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'

const view = (token: string | undefined): RequestView => ({
  method: 'GET',
  url: '/items/42?x=1',
  headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'user-agent': 'channel-test/1.0' },
  remoteAddress: '203.0.113.9',
  route: '/items/:id',
})

/** Subscribes to `name` for the duration of `work`, returning what was published. */
async function published<T>(name: string, work: () => Promise<unknown>): Promise<T[]> {
  const messages: T[] = []
  const listener = (message: unknown) => void messages.push(message as T)
  diagnostics.subscribe(name, listener)
  try {
    await work()
  } finally {
    diagnostics.unsubscribe(name, listener)
  }
  return messages
}

describe('diagnostics channels', () => {
  let server: KeyServer

  before(async () => {
    server = await startKeyServer()
  })
  after(() => server.close())

  test('the channel names', () => {
    assert.equal(DECISION_CHANNEL, 'tokenguard:decision')
    assert.equal(KEYS_CHANNEL, 'tokenguard:keys')
  })

  test('tokenguard:keys: every key-source event with its issuer, alongside the onEvent option', async () => {
    const seen: string[] = []
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, onEvent: (event) => void seen.push(event.type) })
    const messages = await published<KeysChannelMessage>(KEYS_CHANNEL, () => verifier.ready())
    assert.deepEqual(messages.map((message) => message.type), ['fetch_start', 'discovered', 'keys_changed', 'fetch_success'])
    assert.ok(messages.every((message) => message.issuer === server.issuer))
    assert.deepEqual(seen, ['fetch_start', 'discovered', 'keys_changed', 'fetch_success'], 'the application\'s listener still gets them')
    const success = messages[3] as Extract<KeysChannelMessage, { type: 'fetch_success' }>
    assert.equal(success.cause, 'cold')
    assert.equal(success.keyCount, 1)
  })

  test('tokenguard:decision: one event per decision, with the request\'s route template, address and user agent', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
    const token = await server.mint({ client_id: 'client-a', sub: 'user-1', jti: 'jti-1', scope: 'read:data write:data' })
    const read = verifier.requirement({ scopes: ['read:data'], anyScopes: ['x', 'write:data'] })
    const messages = await published<DecisionEvent>(DECISION_CHANNEL, async () => {
      await verifier.decide(view(token), read)
      await verifier.decide(view(token), read)
      await verifier.decide(view(undefined), read)
    })
    assert.deepEqual(messages.map((message) => [message.outcome, message.check]), [['accepted', 'full'], ['accepted', 'cached'], ['refused', 'none']])
    const [first, , missing] = messages
    assert.deepEqual({ ...first, time: 0, durationMs: 0 }, {
      time: 0, outcome: 'accepted', status: undefined, reason: undefined, check: 'full', durationMs: 0, verified: true,
      iss: server.issuer, client_id: 'client-a', sub: 'user-1', kid: server.published[0]!.kid, jti: 'jti-1',
      scopesRequired: { all: ['read:data'], any: ['x', 'write:data'] }, scopesGranted: ['read:data', 'write:data'],
      route: '/items/:id', method: 'GET', remoteAddress: '203.0.113.9', userAgent: 'channel-test/1.0',
    })
    assert.ok(first!.durationMs > 0)
    assert.ok(Math.abs(first!.time - Date.now()) < 60_000)
    assert.equal(missing!.reason, 'missing_token')
    assert.equal(missing!.status, 401)
    assert.equal(missing!.verified, false)
    for (const message of messages) {
      const text = JSON.stringify(message)
      assert.ok(!text.includes(token) && !text.includes(token.split('.')[2]!), 'never the token nor its signature')
    }
  })

  test('a refusal before verification carries the token\'s unverified iss, client_id and kid, marked as such', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
    const forged = await server.mint({ client_id: 'who-knows', sub: 'someone' }, { key: await generateSigningKey('RS256', server.published[0]!.kid) })
    const [event] = await published<DecisionEvent>(DECISION_CHANNEL, () => verifier.decide(view(forged)) as Promise<unknown>)
    assert.equal(event?.reason, 'signature_invalid')
    assert.equal(event?.verified, false)
    assert.equal(event?.client_id, 'who-knows')
    assert.equal(event?.iss, server.issuer)
    assert.equal(event?.sub, undefined, 'only what a refusal reports (iss, client_id, kid) — no unverified subject')
    assert.equal(event?.scopesGranted, undefined)
  })

  test('nobody subscribed: nothing is built, the clock is not even read; a subscriber turns it on at once', async () => {
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
    const token = await server.mint()
    await verifier.decide(view(token)) // into the cache
    const clock = performance.now
    let reads = 0
    performance.now = () => (reads++, clock.call(performance))
    try {
      for (let i = 0; i < 100; i++) assert.equal((verifier.decide(view(token)) as { outcome: string }).outcome, 'accepted')
      verifier.decide(view(undefined))
      assert.equal(reads, 0)
      const messages = await published<DecisionEvent>(DECISION_CHANNEL, async () => void verifier.decide(view(token)))
      assert.equal(messages.length, 1)
      assert.ok(reads >= 2)
    } finally {
      performance.now = clock
    }
  })

  test('nobody subscribed: neither channel publishes anything; a subscriber gets every message', async () => {
    const calls = { [DECISION_CHANNEL]: 0, [KEYS_CHANNEL]: 0 }
    const restore = [DECISION_CHANNEL, KEYS_CHANNEL].map((name) => {
      // The channel object core holds (Node returns the same one by name): its publish() counted. The
      // prototype's publish is looked up per call: Node swaps it when the first subscriber comes.
      const channel = diagnostics.channel(name)
      channel.publish = (message: unknown) => void (calls[name as keyof typeof calls]++, Object.getPrototypeOf(channel).publish.call(channel, message))
      return () => void delete (channel as { publish?: unknown }).publish
    })
    try {
      const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
      await verifier.ready()
      const token = await server.mint()
      for (let i = 0; i < 3; i++) await verifier.decide(view(token))
      await verifier.decide(view(undefined))
      await verifier.keySource.refresh()
      assert.deepEqual(calls, { [DECISION_CHANNEL]: 0, [KEYS_CHANNEL]: 0 })
      const decisions = await published<DecisionEvent>(DECISION_CHANNEL, () => published(KEYS_CHANNEL, async () => {
        await verifier.decide(view(token))
        await verifier.keySource.refresh()
      }))
      assert.equal(decisions.length, 1)
      assert.equal(calls[DECISION_CHANNEL], 1)
      assert.ok(calls[KEYS_CHANNEL] >= 2, `the refresh's fetch_start and fetch_success: ${calls[KEYS_CHANNEL]}`)
    } finally {
      for (const undo of restore) undo()
    }
  })

  test('telemetry with no SDK registered: the same path as without it — no clock read, nothing built', async () => {
    const api = await import('@opentelemetry/api')
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, telemetry: { api } })
    const token = await server.mint()
    await verifier.decide(view(token))
    const clock = performance.now
    let reads = 0
    performance.now = () => (reads++, clock.call(performance))
    try {
      for (let i = 0; i < 100; i++) assert.equal((verifier.decide(view(token)) as { outcome: string }).outcome, 'accepted')
      verifier.decide(view(undefined))
    } finally {
      performance.now = clock
    }
    assert.equal(reads, 0)
  })
})
