/**
 * Issue 12 finding 4, last part: 1000 concurrent junk-`iss` requests against a slow resolver locked a
 * legitimate tenant out (503 "too many issuer resolutions in flight"). Resolutions in flight are bounded,
 * but an issuer trusted before never waits for a slot: kept in the LRU, or evicted from it (its keys are
 * remembered). The resolver is held by a gate for junk values, and the test counts the questions in flight
 * instead of waiting for time to pass.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createVerifier, type IssuerEntry } from '@tokenguard/core'
import { gate, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { nowSeconds } from '../support/local-tokens.js'

const FLOOD = 1_100 // above the 1000 resolutions allowed in flight

const junk = (n: number) => {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${segment({ alg: 'ES256', kid: 'junk' })}.${segment({ iss: `https://junk-${n}.example/`, aud: TEST_AUDIENCE, exp: nowSeconds() + 300 })}.${'A'.repeat(86)}`
}

let tenantA: KeyServer
let tenantB: KeyServer
before(async () => {
  ;[tenantA, tenantB] = await Promise.all([startKeyServer(), startKeyServer()])
})
after(() => Promise.all([tenantA.close(), tenantB.close()]))

test('a junk flood that fills every resolution slot does not lock out tenants trusted before, kept or evicted', async () => {
  const held = gate()
  let junkInFlight = 0
  let allAsked!: () => void
  const asked = new Promise<void>((resolve) => void (allAsked = resolve))
  const resolver = async (iss: string): Promise<IssuerEntry | undefined> => {
    if (iss === tenantA.issuer || iss === tenantB.issuer) return { issuer: iss }
    if (++junkInFlight === 1_000) allAsked()
    await held.opened
    return undefined
  }
  const verifier = createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: resolver, maxIssuers: 1 })
  await verifier.verify(await tenantA.mint())
  await verifier.verify(await tenantB.mint()) // B takes the one slot: A is evicted, its keys remembered
  const jwksFetches = tenantA.counts.jwks

  const flood = Array.from({ length: FLOOD }, (_, n) => verifier.verify(junk(n)).then(() => 200, (error: { status: number; detail?: string }) => error))
  await asked // every slot is taken by a junk resolution the resolver sits on
  const afterFlood = { a: await verifier.verify(await tenantA.mint()), b: await verifier.verify(await tenantB.mint()) }
  assert.equal(afterFlood.a.claims.iss, tenantA.issuer, 'the evicted tenant answers while the slots are full')
  assert.equal(afterFlood.b.claims.iss, tenantB.issuer)
  assert.equal(tenantA.counts.jwks, jwksFetches, 'from its remembered keys: no fetch')

  held.open()
  const outcomes = await Promise.all(flood)
  const shed = outcomes.filter((outcome) => typeof outcome === 'object' && outcome.status === 503)
  const refused = outcomes.filter((outcome) => typeof outcome === 'object' && outcome.status === 401)
  assert.equal(shed.length + refused.length, FLOOD, 'every junk request refused or shed')
  assert.ok(shed.length >= FLOOD - 1_000, `the slots were full: ${shed.length} shed`)
  assert.match((shed[0] as { detail?: string }).detail ?? '', /too many issuer resolutions in flight/)
})
