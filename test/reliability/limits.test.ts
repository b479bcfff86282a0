/**
 * Bounded in size and in where it goes: the 512 KiB body cap is enforced while streaming, redirects stay on
 * the key server's origin and are few, and a key set may hold at most `maxKeys` keys.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startServer } from '../support/http-server.js'
import type { KeyServer, SigningKey } from '../support/key-server.js'
import { CORE, rig } from './harness.js'

const DEFAULT_MAX_RESPONSE = 512 * 1024

/** Cold start: the answer to one token, and what the key source said about the fetch. */
async function coldStart(setUp: (server: KeyServer, key: SigningKey) => void | Promise<void>, overrides = {}) {
  const r = await rig(CORE.start, overrides)
  await setUp(r.server, r.key)
  const outcome = await r.target.call(await r.server.mint({}, { key: r.key }))
  return { ...r, outcome, failure: r.log.of('fetch_failure')[0] }
}

/** `count` copies of `key` under distinct kids (validation counts keys before it looks at them). */
function manyKeys(key: SigningKey, count: number): SigningKey[] {
  return Array.from({ length: count }, (_, index) => {
    const kid = index === 0 ? key.kid : `${key.kid}-copy-${index}`
    return { ...key, kid, publicJwk: { ...key.publicJwk, kid } }
  })
}

describe('response size (core)', () => {
  test('a body over the default 512 KiB is refused while streaming, without reading it all', async (t) => {
    const total = 64 * 1024 * 1024
    const sent = { bytes: 0 }
    const { outcome, failure, close } = await coldStart((server) => void (server.behaviour = { kind: 'oversized', bytes: total, sent }))
    t.after(close)
    assert.equal(outcome.status, 503)
    assert.match(failure?.error ?? '', new RegExp(`exceeds the ${DEFAULT_MAX_RESPONSE} byte limit`))
    assert.ok(sent.bytes < total / 2, `the server wrote ${sent.bytes} of ${total} bytes before the client stopped reading`)
    t.diagnostic(`the key server got to write ${(sent.bytes / 1024 / 1024).toFixed(1)} MiB of a ${total / 1024 / 1024} MiB body`)
  })
})

describe('redirects (core)', () => {
  test('a redirect to another origin is not followed: the other server receives nothing', async (t) => {
    const elsewhere = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'))
    t.after(() => elsewhere.close())
    const { outcome, failure, close } = await coldStart((server) => void (server.behaviour = { kind: 'redirect', location: `${elsewhere.url}/jwks` }))
    t.after(close)
    assert.equal(outcome.status, 503)
    assert.match(failure?.error ?? '', /another origin/)
    assert.equal(elsewhere.requests.length, 0)
  })

  test('a redirect on the same origin is followed', async (t) => {
    const { outcome, server, close } = await coldStart((server) => void (server.behaviour = { kind: 'redirect', location: '/jwks-moved' }))
    t.after(close)
    assert.equal(outcome.status, 200)
    assert.deepEqual([server.counts.jwks, server.counts.moved], [1, 1])
  })

  test('a redirect loop on the same origin stops after 3 hops', async (t) => {
    const { outcome, failure, server, close } = await coldStart((server) => void (server.behaviour = { kind: 'redirect', location: '/jwks' }))
    t.after(close)
    assert.equal(outcome.status, 503)
    assert.match(failure?.error ?? '', /more than 3 redirects/)
    assert.equal(server.counts.jwks, 4, 'the first request and 3 redirects')
  })
})

describe('number of keys (core)', () => {
  test('a set of 101 keys is refused by default', async (t) => {
    const { outcome, failure, close } = await coldStart((server, key) => void (server.published = manyKeys(key, 101)))
    t.after(close)
    assert.equal(outcome.status, 503)
    assert.match(failure?.error ?? '', /101 keys, more than the 100 allowed/)
  })

  test('a set of exactly 100 keys is accepted', async (t) => {
    const { outcome, log, close } = await coldStart((server, key) => void (server.published = manyKeys(key, 100)))
    t.after(close)
    assert.equal(outcome.status, 200)
    assert.equal(log.of('fetch_success')[0]?.keyCount, 100)
  })

  test('maxKeys lowers the cap', async (t) => {
    const { outcome, failure, close } = await coldStart((server, key) => void (server.published = manyKeys(key, 3)), { maxKeys: 2 })
    t.after(close)
    assert.equal(outcome.status, 503)
    assert.match(failure?.error ?? '', /3 keys, more than the 2 allowed/)
  })
})
