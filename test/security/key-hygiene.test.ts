/**
 * Weak keys in the issuer's key set (issue 12, finding 2): a key set holding RSA keys with e = 1 (anyone
 * can forge), ROCA-fingerprinted or 1024-bit moduli, off-curve EC points, small-order Ed25519 points,
 * private, symmetric or encryption keys, or an `alg` of another family. Each is refused with a
 * `key_rejected` event naming its kid and why; its token never verifies; the rest of the set still works.
 * Run against core and over every adapter, each with its own real key server.
 *
 * Before the fix (observed on main): the e = 1, ROCA and small-order Ed25519 tokens were accepted, and no
 * key was ever reported.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type KeySourceEvent } from '@tokenguard/core'
import { ADAPTERS } from '../support/apps.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER } from '../support/local-tokens.js'
import { RUNNERS, type Runner } from './runners.js'
import { weakKeyCases, type WeakKeyCase } from './weak-keys.js'

const cases = await weakKeyCases()
const good = await generateSigningKey('ES256', 'good-key')

/** A weak key as the key server publishes it (its "private key" is never used: tokens come from the case). */
const published = (c: WeakKeyCase): SigningKey => ({ ...good, kid: c.kid, publicJwk: c.jwk })

function claimsFor(issuer: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { iss: issuer, aud: TEST_AUDIENCE, sub: 'client-1', client_id: 'client-1', iat: now, exp: now + 300, jti: `jti-${Math.random()}`, scope: 'read:data' }
}

const rejections = (events: KeySourceEvent[]) => events.filter((event): event is Extract<KeySourceEvent, { type: 'key_rejected' }> => event.type === 'key_rejected')

for (const runner of RUNNERS) {
  describe(`weak keys in the key set: ${runner.name}`, () => {
    let server: KeyServer
    let subject: Runner
    const events: KeySourceEvent[] = []
    before(async () => {
      server = await startKeyServer({ keys: [good, ...cases.map(published)] })
      subject = await runner.start({ issuer: server.issuer, audience: TEST_AUDIENCE, onEvent: (event) => events.push(event) })
    })
    after(async () => {
      await subject.close()
      await server.close()
    })

    test('the usable key verifies, and each weak key is reported once, by kid and reason', async () => {
      assert.deepEqual(await subject.present(await server.mint()), { status: 200 })
      const reported = rejections(events)
      assert.equal(reported.length, cases.length, `one key_rejected per weak key, got ${reported.map((event) => event.kid).join(', ')}`)
      for (const [index, c] of cases.entries()) {
        const event = reported.find((candidate) => candidate.kid === c.kid)
        assert.ok(event !== undefined, `${c.name}: no key_rejected event`)
        assert.match(event.reason, c.reason, c.name)
        assert.equal(event.index, index + 1, `${c.name}: its position in the set`)
        assert.equal(event.uri, server.jwksUri)
        assert.match(event.reason, /^[\x20-\x7e]+$/, 'printable ASCII')
      }
      assert.deepEqual(events.find((event) => event.type === 'keys_changed'), { type: 'keys_changed', added: [good.kid], removed: [] }, 'only the usable key is in use')
    })

    for (const c of cases.filter((candidate) => candidate.token !== undefined)) {
      test(`${c.name}: a token it "verifies" is refused`, async () => {
        assert.deepEqual(await subject.present(c.token!(claimsFor(server.issuer))), { status: 401, reason: 'key_not_found' })
      })
    }

    test('refetching the same set reports nothing again; the usable key keeps verifying', async () => {
      const before = rejections(events).length
      await subject.verifier.keySource.refresh()
      assert.equal(rejections(events).length, before, 'no second report of the same keys')
      assert.deepEqual(await subject.present(await server.mint()), { status: 200 })
    })
  })

  describe(`a key set of weak keys only: ${runner.name}`, () => {
    test('is refused as a whole: 503, and the fetch failure names every key and why', async (t) => {
      const server = await startKeyServer({ keys: cases.slice(0, 3).map(published) })
      const events: KeySourceEvent[] = []
      const subject = await runner.start({ issuer: server.issuer, audience: TEST_AUDIENCE, onEvent: (event) => events.push(event) })
      t.after(async () => {
        await subject.close()
        await server.close()
      })
      assert.deepEqual(await subject.present(cases[0]!.token!(claimsFor(server.issuer))), { status: 503, reason: 'keys_misconfigured' })
      const failure = events.find((event) => event.type === 'fetch_failure')
      assert.ok(failure?.type === 'fetch_failure')
      assert.match(failure.error, /no usable signature verification key/)
      for (const c of cases.slice(0, 3)) assert.ok(failure.error.includes(`key "${c.kid}"`), `${c.kid} named in: ${failure.error}`)
      assert.equal(rejections(events).length, 3)
    })
  })
}

describe('weak keys given as fixed keys ("jwks"): a startup error that names them', () => {
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [good.publicJwk, c.jwk] } }),
        (error: unknown) => error instanceof TypeError && error.message.includes(`key "${c.kid}"`) && c.reason.test(error.message) && /remove them/.test(error.message),
      )
    })
  }

  for (const adapter of ADAPTERS) {
    test(`${adapter.name} does not start with one`, async () => {
      await assert.rejects(adapter.start({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [cases[0]!.jwk] } }), /"jwks" holds keys that cannot verify tokens safely/)
    })
  }
})
