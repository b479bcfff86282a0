/**
 * Issue 17 item 3: asynchronous claim predicates (express-oauth2-jwt-bearer's validators may return a
 * promise), in the verifier's `claims` option and in route requirements. The pipeline stays synchronous
 * when it can: a cached token whose predicates all answer synchronously is decided without a promise;
 * a predicate that answers with a promise makes that route's decision a promise. A predicate that
 * rejects is an outage of what it consults — 503 `claim_check_unavailable` — while one that throws
 * synchronously (tripping over an odd claim value) refuses the token, as before.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ClaimCheckUnavailableError, createVerifier, includes, type ClaimPredicate, type Decision, type RequestView, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { expectRefusal } from '../support/refusal.js'

let issuer: TestIssuer
before(async () => {
  issuer = await createTestIssuer()
})
after(() => issuer.stop())

const verifierWith = (extra: Partial<VerifierOptions> = {}) => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true, ...extra } as VerifierOptions)
const requestWith = (token: string): RequestView => ({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } })

/** A tenant directory the predicates ask, with a switch for its outage and a count of the questions. */
function directory(known: string[]) {
  const state = { down: false, asked: 0 }
  const lookup: ClaimPredicate = async (value) => {
    state.asked++
    await Promise.resolve()
    if (state.down) throw new Error('directory unreachable')
    return typeof value === 'string' && known.includes(value)
  }
  return { state, lookup }
}

async function settled(decision: Decision | Promise<Decision>): Promise<Decision> {
  return decision
}

describe('issue 17 item 3: async predicates in the verifier\'s claims option', () => {
  test('a known tenant is accepted, an unknown one refused claim_invalid; the check runs again on every cache hit', async () => {
    const { state, lookup } = directory(['acme'])
    const verifier = verifierWith({ claims: { tenant: lookup } })
    const good = await issuer.sign({ tenant: 'acme' })
    assert.equal((await verifier.verify(good)).claims.tenant, 'acme')
    await verifier.verify(good)
    assert.equal(state.asked, 2, 'asked on the full check and on the cache hit')
    await expectRefusal(verifier.verify(await issuer.sign({ tenant: 'globex' })), 'claim_invalid', 401)
  })

  test('a cached token\'s decision is a promise when a predicate is async, and synchronous when all are sync', async () => {
    const token = await issuer.sign({ tenant: 'acme' })
    const asyncVerifier = verifierWith({ claims: { tenant: directory(['acme']).lookup } })
    const syncVerifier = verifierWith({ claims: { tenant: (value) => value === 'acme' } })
    // Twice: a token is stored on its second verification (cache admission).
    for (const verifier of [asyncVerifier, syncVerifier, asyncVerifier, syncVerifier]) assert.equal((await settled(verifier.decide(requestWith(token)))).outcome, 'accepted')
    const asyncHit = asyncVerifier.decide(requestWith(token))
    const syncHit = syncVerifier.decide(requestWith(token))
    assert.ok(asyncHit instanceof Promise, 'an async predicate makes the cached decision a promise')
    assert.ok(!(syncHit instanceof Promise), 'sync predicates keep the cached decision synchronous')
    assert.equal((await asyncHit).outcome, 'accepted')
    assert.equal(syncHit.outcome, 'accepted')
  })

  test('a predicate that rejects is 503 claim_check_unavailable with Retry-After; a sync throw is a refusal (401)', async () => {
    const { state, lookup } = directory(['acme'])
    const verifier = verifierWith({ claims: { tenant: lookup } })
    const token = await issuer.sign({ tenant: 'acme' })
    await verifier.verify(token)
    state.down = true
    const error = await expectRefusal(verifier.verify(token), 'claim_check_unavailable', 503)
    assert.ok(error instanceof ClaimCheckUnavailableError)
    assert.equal(error.headers['Retry-After'], '1')
    assert.equal(error.wwwAuthenticate, undefined, 'no challenge: the token may be fine')
    assert.equal(error.code, 'temporarily_unavailable')
    const throwing = verifierWith({ claims: { tenant: () => { throw new Error('odd value') } } })
    await expectRefusal(throwing.verify(token), 'claim_invalid', 401)
  })

  test('only true passes: a promise of 1, "yes" or undefined fails the check', async () => {
    const token = await issuer.sign({ tenant: 'acme' })
    for (const answer of [1, 'yes', undefined, null]) {
      const verifier = verifierWith({ claims: { tenant: (async () => answer) as unknown as ClaimPredicate } })
      await expectRefusal(verifier.verify(token), 'claim_invalid', 401)
    }
  })
})

describe('issue 17 item 3: async predicates in route requirements', () => {
  test('the route\'s decision is a promise, also for a cached token; accepted or refused claim_requirement_failed', async () => {
    const verifier = verifierWith()
    const route = verifier.requirement({ claims: { tenant: directory(['acme']).lookup } })
    const good = await issuer.sign({ tenant: 'acme' })
    const bad = await issuer.sign({ tenant: 'globex' })
    assert.equal((await settled(verifier.decide(requestWith(good), route))).outcome, 'accepted')
    const hit = verifier.decide(requestWith(good), route)
    assert.ok(hit instanceof Promise)
    assert.equal((await hit).outcome, 'accepted')
    const refusal = await settled(verifier.decide(requestWith(bad), route))
    assert.equal(refusal.outcome, 'refused')
    assert.equal(refusal.outcome === 'refused' && refusal.error.reason, 'claim_requirement_failed')
  })

  test('a route with synchronous checks decides a cached token synchronously, includes() included', async () => {
    const verifier = verifierWith()
    const route = verifier.requirement({ scopes: ['read'], claims: { scope: includes('admin'), client_id: issuer.clientId } })
    const token = await issuer.sign({}, { scope: 'read admin' })
    assert.equal((await settled(verifier.decide(requestWith(token), route))).outcome, 'accepted')
    assert.equal((await settled(verifier.decide(requestWith(token), route))).outcome, 'accepted') // stored on its second verification
    const hit = verifier.decide(requestWith(token), route)
    assert.ok(!(hit instanceof Promise))
    assert.equal(hit.outcome, 'accepted')
  })

  test('a failing synchronous check before an async one refuses without asking it', async () => {
    const { state, lookup } = directory(['acme'])
    const verifier = verifierWith()
    const route = verifier.requirement({ claims: { client_id: 'someone-else', tenant: lookup } })
    const token = await issuer.sign({ tenant: 'acme' })
    await verifier.verify(token)
    await verifier.verify(token) // stored on its second verification (cache admission)
    const hit = verifier.decide(requestWith(token), route)
    assert.ok(!(hit instanceof Promise), 'decided by the first, synchronous, check')
    assert.equal(hit.outcome === 'refused' && hit.error.reason, 'claim_requirement_failed')
    assert.equal(state.asked, 0)
  })

  test('verify() with a requirement awaits the async checks, and rejects with 503 when one rejects', async () => {
    const { state, lookup } = directory(['acme'])
    const verifier = verifierWith()
    const token = await issuer.sign({ tenant: 'acme' })
    await verifier.verify(token, { claims: { tenant: lookup } })
    state.down = true
    await expectRefusal(verifier.verify(token, { claims: { tenant: lookup } }), 'claim_check_unavailable', 503)
  })
})
