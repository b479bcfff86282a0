/**
 * `explainToken` (`@tokenguard/core/explain`): `verify()`'s own code with a trace and a clock. The trace
 * and the clock belong to one call — concurrent verifications, explained or not, never see them — and an
 * explained run neither reads nor writes the verified-token cache.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier, type Verifier } from '@tokenguard/core'
import { explainToken } from '@tokenguard/core/explain'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'

let key: SigningKey
let verifier: () => Verifier

const ALL_STEPS = ['token_syntax', 'keys_usable', 'issuer_precheck', 'algorithm', 'key', 'jwt', 'typ', 'finite_times', 'profile_claims', 'audience_claim', 'claims_option', 'revocation', 'cnf', 'scopes', 'route_claims']

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = () => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
})

describe('explainToken', () => {
  test('an accepted token: every step in order, the issuer settings, the clock, the context', async () => {
    const token = await signToken(key)
    const at = new Date()
    const explanation = await explainToken(verifier(), token, { scopes: ['read:data'] }, { at })
    assert.deepEqual(explanation.passed, ALL_STEPS)
    assert.equal(explanation.settings?.issuer, LOCAL_ISSUER)
    assert.equal(explanation.at, at)
    assert.ok(explanation.outcome.accepted)
    assert.equal(explanation.outcome.auth.claims.sub, 'client-1')
  })

  test('a refusal: the steps up to the one that failed, and the refusal verify() throws', async () => {
    const token = await signToken(key, { aud: 'https://other.example' })
    const v = verifier()
    const explanation = await explainToken(v, token)
    assert.deepEqual(explanation.passed, ['token_syntax', 'keys_usable', 'issuer_precheck', 'algorithm', 'key'])
    assert.ok(!explanation.outcome.accepted)
    assert.equal(explanation.outcome.error.reason, 'audience_mismatch')
    await assert.rejects(v.verify(token), { reason: 'audience_mismatch' })
  })

  test('the clock is the call\'s own: concurrent explained runs at other times and plain verify() calls do not see it', async () => {
    const v = verifier()
    const tokens = await Promise.all(Array.from({ length: 8 }, () => signToken(key, { exp: nowSeconds() + 300 })))
    const future = new Date((nowSeconds() + 3600) * 1000)
    const results = await Promise.all(tokens.flatMap((token) => [explainToken(v, token, undefined, { at: future }), explainToken(v, token), v.verify(token)]))
    for (let i = 0; i < tokens.length; i++) {
      const [later, present, plain] = results.slice(i * 3, i * 3 + 3) as [Awaited<ReturnType<typeof explainToken>>, Awaited<ReturnType<typeof explainToken>>, unknown]
      assert.ok(!later.outcome.accepted && later.outcome.error.reason === 'token_expired', 'expired at the future clock')
      assert.deepEqual(later.passed, ['token_syntax', 'keys_usable', 'issuer_precheck', 'algorithm', 'key'])
      assert.ok(present.outcome.accepted, 'valid now')
      assert.deepEqual(present.passed, ALL_STEPS.filter((step) => step !== 'scopes' && step !== 'route_claims'))
      assert.ok(typeof plain === 'object' && plain !== null && 'claims' in plain)
    }
  })

  test('an earlier clock accepts a token that is expired now; verify() still refuses it', async () => {
    const issued = nowSeconds() - 7200
    const token = await signToken(key, { iat: issued, exp: issued + 300 })
    const v = verifier()
    assert.ok((await explainToken(v, token, undefined, { at: new Date((issued + 60) * 1000) })).outcome.accepted)
    await assert.rejects(v.verify(token), { reason: 'token_expired' })
  })

  test('the verified-token cache is not read: a token cached by verify() is checked again, at the explained clock', async () => {
    const token = await signToken(key, { exp: nowSeconds() + 300 })
    const v = verifier()
    await v.verify(token) // now in the cache
    const explanation = await explainToken(v, token, undefined, { at: new Date((nowSeconds() + 3600) * 1000) })
    assert.ok(!explanation.outcome.accepted)
    assert.equal(explanation.outcome.error.reason, 'token_expired')
  })

  test('several issuers: the chosen issuer\'s settings; an untrusted one stops after the syntax step', async () => {
    const v = createVerifier({ audience: TEST_AUDIENCE, issuers: [{ issuer: LOCAL_ISSUER, jwks: { keys: [key.publicJwk] } }, { issuer: 'https://other.example', jwks: { keys: [] } }] })
    const chosen = await explainToken(v, await signToken(key))
    assert.ok(chosen.outcome.accepted)
    assert.equal(chosen.settings?.issuer, LOCAL_ISSUER)
    const foreign = await explainToken(v, await signToken(key, { iss: 'https://evil.example' }))
    assert.deepEqual(foreign.passed, ['token_syntax'])
    assert.equal(foreign.settings, undefined)
    assert.ok(!foreign.outcome.accepted && foreign.outcome.error.reason === 'issuer_not_trusted')
  })

  test('misuse is a TypeError: an object not made by createVerifier, an invalid clock, a bad requirement', async () => {
    const token = await signToken(key)
    const v = verifier()
    await assert.rejects(explainToken({ ...v }, token), /explainToken needs a verifier made by createVerifier/)
    await assert.rejects(explainToken(v, token, undefined, { at: new Date(Number.NaN) }), /"at" must be a valid Date/)
    await assert.rejects(explainToken(v, token, { scope: ['x'] } as never), TypeError)
  })
})
