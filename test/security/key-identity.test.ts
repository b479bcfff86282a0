/**
 * Key identity and the verified-token cache (issue 12, findings 5 and 7). A key is identified by its
 * RFC 7638 thumbprint input plus kid (and bound algorithm), within its issuer: a reordered key set changes
 * nothing, a key leaving its set drops only what it verified, one tenant's rotation — or a tenant
 * publishing and withdrawing a copy of another tenant's key — leaves the other tenants' entries alone, and
 * the s → n − s twin of a cached ES* token is the same entry. Run against core and over every adapter.
 *
 * Cache identity is observed without reaching inside: a hit returns the very AuthContext object the entry
 * holds, so `verify(token) === earlier` holds exactly when the entry survived (a twin's hit: the same
 * claims object, under the twin's own token string).
 *
 * Before the fix (observed on main): reordering reported every key removed and added and flushed the
 * cache; any removal, by any issuer, flushed everything; a twin was verified again as a second entry.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type KeySourceEvent } from '@tokenguard/core'
import type { JWK } from 'jose'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { splitToken } from './forge.js'
import { RUNNERS, type Runner } from './runners.js'

// Curve orders n (SEC 2), to build the s → n − s twin of a token.
const ORDERS = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
} as const

/** The same token with s replaced by n − s: a different string, the same signed content, still valid. */
function ecdsaTwin(token: string, alg: keyof typeof ORDERS): string {
  const [header, payload, signature] = splitToken(token)
  const bytes = Buffer.from(signature, 'base64url')
  const size = bytes.length / 2
  const s = BigInt(`0x${bytes.subarray(size).toString('hex')}`)
  const twinS = Buffer.from((ORDERS[alg] - s).toString(16).padStart(size * 2, '0'), 'hex')
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, size), twinS]).toString('base64url')}`
}

/** The JWK with its members in reverse order: the same key. */
const reordered = (key: SigningKey): SigningKey => ({ ...key, publicJwk: Object.fromEntries(Object.entries(key.publicJwk).reverse()) as JWK })

let sharedKeys: Promise<SigningKey[]> | undefined
const keys = () =>
  (sharedKeys ??= Promise.all([
    generateSigningKey('ES256', 'key-a'),
    generateSigningKey('ES256', 'key-b'),
    generateSigningKey('ES256', 'key-c'),
    generateSigningKey('ES384', 'key-es384'),
    generateSigningKey('ES512', 'key-es512'),
    generateSigningKey('ES256', 'stranger'),
  ]))

for (const runner of RUNNERS) {
  describe(`key identity and the token cache: ${runner.name}`, () => {
    let server: KeyServer
    let subject: Runner
    let a: SigningKey, b: SigningKey, c: SigningKey, es384: SigningKey, es512: SigningKey, stranger: SigningKey
    const events: KeySourceEvent[] = []
    before(async () => {
      ;[a, b, c, es384, es512, stranger] = await keys()
      server = await startKeyServer({ keys: [a, b, es384, es512] })
      // cooldown 0: every unknown kid refetches the set, the way an attacker would want it to
      subject = await runner.start({ issuer: server.issuer, audience: TEST_AUDIENCE, cooldownDuration: 0, onEvent: (event) => events.push(event) })
    })
    after(async () => {
      await subject.close()
      await server.close()
    })

    test('a reordered key set (members and their fields) changes nothing, even refetched by unknown kids', async () => {
      const token = await server.mint({}, { key: a })
      assert.deepEqual(await subject.present(token), { status: 200 })
      const cached = await subject.verifier.verify(token)
      const changes = events.filter((event) => event.type === 'keys_changed').length
      server.published = [es512, es384, b, a].map(reordered)
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(await subject.present(await server.mint({}, { key: stranger })), { status: 401, reason: 'key_not_found' })
      }
      assert.equal(events.filter((event) => event.type === 'keys_changed').length, changes, 'no keys_changed for a reordering')
      assert.equal(await subject.verifier.verify(token), cached, 'the cached entry survived')
    })

    test('a key leaving the set drops what it verified, and only that', async () => {
      server.published = [a, b, es384, es512]
      await subject.verifier.keySource.refresh()
      const [byA, byB] = [await server.mint({}, { key: a }), await server.mint({}, { key: b })]
      assert.deepEqual(await subject.present(byA), { status: 200 })
      assert.deepEqual(await subject.present(byB), { status: 200 })
      const cachedA = await subject.verifier.verify(byA)
      server.published = [a, c, es384, es512]
      await subject.verifier.keySource.refresh()
      assert.equal(await subject.verifier.verify(byA), cachedA, "key a's token is still the cached entry")
      assert.deepEqual(await subject.present(byB), { status: 401, reason: 'key_not_found' }, "key b's cached token is refused")
    })

    for (const [alg, key] of [['ES256', () => a], ['ES384', () => es384], ['ES512', () => es512]] as const) {
      test(`${alg}: the s → n − s twin of a cached token is a hit on the same entry`, async () => {
        const token = await server.mint({}, { key: key() })
        const twin = ecdsaTwin(token, alg)
        assert.notEqual(twin, token)
        assert.deepEqual(await subject.present(token), { status: 200 })
        assert.deepEqual(await subject.present(twin), { status: 200 })
        const [viaTwin, viaToken] = [await subject.verifier.verify(twin), await subject.verifier.verify(token)]
        assert.equal(viaTwin.claims, viaToken.claims, 'one entry for both: the very claims object one verification made')
        assert.equal(viaTwin.token, twin, 'answered with the token as presented (a DPoP proof hashes it)')
        assert.equal(await subject.verifier.verify(twin), viaTwin)
        const uncached = createVerifier({ issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, tokenCache: false })
        assert.equal((await uncached.verify(twin)).token, twin, 'the twin verifies on its own')
        assert.equal((await uncached.verify(token)).token, token)
      })
    }
  })

  describe(`one tenant's keys leave the other tenants' cache entries alone: ${runner.name}`, () => {
    let tenantA: KeyServer
    let tenantB: KeyServer
    let subject: Runner
    before(async () => {
      const [a, b] = await keys()
      ;[tenantA, tenantB] = [await startKeyServer({ keys: [a!] }), await startKeyServer({ keys: [b!] })]
      subject = await runner.start({ audience: TEST_AUDIENCE, issuers: [{ issuer: tenantA.issuer }, { issuer: tenantB.issuer }] })
    })
    after(async () => {
      await subject.close()
      await tenantA.close()
      await tenantB.close()
    })

    test("tenant A's rotation drops A's entries, not B's", async () => {
      const [fromA, fromB] = [await tenantA.mint(), await tenantB.mint()]
      assert.deepEqual(await subject.present(fromA), { status: 200 })
      assert.deepEqual(await subject.present(fromB), { status: 200 })
      const cachedB = await subject.verifier.verify(fromB)
      const [, , c] = await keys()
      tenantA.published = [c!]
      await subject.verifier.keySource.refresh()
      assert.equal(await subject.verifier.verify(fromB), cachedB, "tenant B's entry survived")
      assert.deepEqual(await subject.present(fromA), { status: 401, reason: 'key_not_found' })
    })

    test("tenant A publishing, then withdrawing, a copy of B's key cannot flush B's entries", async () => {
      const fromB = await tenantB.mint()
      assert.deepEqual(await subject.present(fromB), { status: 200 })
      const cachedB = await subject.verifier.verify(fromB)
      const own = tenantA.published[0]!
      tenantA.published = [own, tenantB.published[0]!]
      await subject.verifier.keySource.refresh()
      tenantA.published = [own]
      await subject.verifier.keySource.refresh()
      assert.equal(await subject.verifier.verify(fromB), cachedB, "tenant B's entry survived")
    })
  })
}
