/**
 * Observability: the events an operator receives through `onEvent`, in order, for each moment of a key
 * set's life — and that none of them ever carries a token or any part of one.
 *
 * One key source lives through the whole file; each test is the next moment of its life.
 */
import assert from 'node:assert/strict'
import { after, before, describe, mock, test } from 'node:test'
import type { KeySourceEvent } from '@tokenguard/core'
import { generateSigningKey } from '../support/key-server.js'
import { CORE, rig, tokenWithUnknownKid, until, type Rig } from './harness.js'

describe('key source events (core)', () => {
  let r: Rig
  const presented: string[] = []
  /** Presents a token, remembering it for the secrecy check at the end. */
  const present = (token: string) => {
    presented.push(token)
    return r.target.call(token)
  }
  /** Runs `step` and returns the events it caused. */
  async function eventsOf(step: () => Promise<unknown>): Promise<KeySourceEvent[]> {
    const from = r.log.entries.length
    await step()
    return r.log.entries.slice(from).map((entry) => entry.event)
  }

  before(async () => {
    // Date stands still for the whole life of the key source and only the stale-serving step moves it (timers
    // and I/O stay real): with cacheMaxAge 300 ms, a loaded machine taking 240 ms between two steps would
    // otherwise add a background refresh (or stale_keys_served) to a step's exact event list.
    mock.timers.enable({ apis: ['Date'], now: Date.now() })
    // A long cooldown: the second unknown kid must fall inside it however slowly a loaded machine runs the first.
    r = await rig(CORE.start, { cacheMaxAge: '300ms', cooldownDuration: 30_000, retryDelay: '50ms' })
  })
  after(async () => {
    mock.timers.reset()
    await r.close()
  })

  test('cold start: fetch_start (cold), discovered, keys_changed, fetch_success', async () => {
    const events = await eventsOf(async () => assert.equal((await present(await r.server.mint())).status, 200))
    assert.deepEqual(events.map((event) => event.type), ['fetch_start', 'discovered', 'keys_changed', 'fetch_success'])
    assert.deepEqual(events[0], { type: 'fetch_start', uri: r.server.issuer, cause: 'cold' })
    assert.deepEqual(events[1], { type: 'discovered', issuer: r.server.issuer, jwksUri: r.server.jwksUri })
    assert.deepEqual(events[2], { type: 'keys_changed', added: [r.key.kid], removed: [] })
    assert.deepEqual({ ...events[3], durationMs: 0 }, { type: 'fetch_success', uri: r.server.jwksUri, cause: 'cold', durationMs: 0, keyCount: 1, maxAge: 300 })
  })

  test('rotation: keys_changed names the kids added and removed', async () => {
    const next = await generateSigningKey('ES256', 'next-key')
    r.server.published = [next]
    const events = await eventsOf(() => r.target.verifier.keySource.refresh())
    assert.deepEqual(events.map((event) => event.type), ['fetch_start', 'keys_changed', 'fetch_success'])
    assert.deepEqual(events[0], { type: 'fetch_start', uri: r.server.jwksUri, cause: 'refresh' })
    assert.deepEqual(events[1], { type: 'keys_changed', added: ['next-key'], removed: [r.key.kid] })
    r.key = next
  })

  test('unknown kid within the cooldown: cooldown_refusal, no fetch', async () => {
    // the rotation's refresh was not an unknown-kid refetch: the first unknown kid may fetch
    const refetch = await eventsOf(async () => present(await tokenWithUnknownKid(r.server, 'attacker-kid-1')))
    assert.deepEqual(refetch.map((event) => event.type), ['fetch_start', 'fetch_success'])
    const cooled = await eventsOf(async () => present(await tokenWithUnknownKid(r.server, 'attacker-kid-2')))
    assert.deepEqual(cooled.map((event) => event.type), ['cooldown_refusal'])
  })

  test('failure: fetch_failure with the error, consecutiveFailures and retryAt', async () => {
    r.server.behaviour = { kind: 'status', status: 503 }
    const started = Date.now()
    const events = await eventsOf(() => r.target.verifier.keySource.refresh().catch(() => undefined))
    assert.deepEqual(events.map((event) => event.type), ['fetch_start', 'fetch_failure'])
    const failure = events[1] as Extract<KeySourceEvent, { type: 'fetch_failure' }>
    assert.match(failure.error, /HTTP status 503/)
    assert.equal(failure.consecutiveFailures, 1)
    assert.equal(failure.cause, 'refresh')
    assert.ok(failure.retryAt >= started + 50, 'retryAt is at least retryDelay away')
  })

  test('stale serving: stale_keys_served, then the background attempt and its failure', async () => {
    // (export() cannot tell the freshness here: it returns undefined after a failure, see snapshot.test.ts)
    const lastSuccess = r.log.entries.findLast((entry) => entry.event.type === 'fetch_success')!
    mock.timers.tick(lastSuccess.at + 300 + 10 - Date.now())
    const events = await eventsOf(async () => {
      assert.equal((await present(await r.server.mint({}, { key: r.key }))).status, 200)
      await until(() => r.log.of('fetch_failure').length === 2, 'the background attempt to fail')
    })
    // the failed fetch forgot the discovered jwks_uri, so this attempt discovers again first
    assert.deepEqual(events.map((event) => event.type), ['stale_keys_served', 'fetch_start', 'discovered', 'fetch_failure'])
    assert.ok((events[0] as { ageMs: number }).ageMs >= 300)
    assert.equal((events[3] as { consecutiveFailures: number }).consecutiveFailures, 2)
  })

  test('every event type was seen, and no event carries a token or any part of one', () => {
    const types = new Set(r.log.types())
    for (const type of ['discovered', 'fetch_start', 'fetch_success', 'fetch_failure', 'keys_changed', 'stale_keys_served', 'cooldown_refusal']) {
      assert.ok(types.has(type), `saw ${type}`)
    }
    const serialised = JSON.stringify(r.log.entries)
    assert.equal(presented.length, 4)
    for (const token of presented) {
      for (const segment of token.split('.')) assert.ok(!serialised.includes(segment), `a token segment appears in an event: ${segment.slice(0, 16)}…`)
    }
    assert.doesNotMatch(serialised, /attacker-kid/, 'a kid a client made up never reaches the operator channel')
  })
})
