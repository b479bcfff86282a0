/**
 * Issue 11 (secure by construction), the cases decided in core: each test is named after the case it pins.
 * Real key servers on 127.0.0.1 where fetching is what is at stake.
 */
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type TokenGuardError } from '@tokenguard/core'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let key: SigningKey
let server: KeyServer

before(async () => {
  key = await generateSigningKey('ES256')
  server = await startKeyServer({ keys: [key] })
})
after(() => server.close())

describe('issue 11 case 9: the operator can see why', () => {
  test('a token from another issuer is issuer_mismatch, naming both issuers, and fetches nothing', async () => {
    const verifier = createVerifier({ issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, jwksUri: server.jwksUri })
    await verifier.ready()
    const before = server.counts.jwks
    const stranger = await generateSigningKey('ES256', 'a-kid-nobody-has')
    for (let i = 0; i < 20; i++) {
      const error = await expectRefusal(verifier.verify(await signToken(stranger, { iss: 'https://other.example/' })), 'issuer_mismatch', 401)
      assert.match(error.detail ?? '', /other\.example/)
      assert.equal(error.facts?.iss, 'https://other.example/', 'the pre-check refusal carries the token facts too')
      assert.match(error.detail ?? '', new RegExp(server.issuer.replaceAll('.', '\\.')))
    }
    assert.equal(server.counts.jwks, before, 'no key-set refetch for tokens of another issuer')
  })

  test('refusals carry the token facts compared (iss, aud, kid, client_id, exp against the clock), never the token', async () => {
    const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
    const token = await signToken(key, { aud: 'https://someone-else.example', client_id: 'billing', jti: 'secret-jti-1' })
    const error = await expectRefusal(verifier.verify(token), 'audience_mismatch', 401)
    assert.deepEqual({ ...error.facts, now: 0, iat: 0, exp: 0 }, { iss: LOCAL_ISSUER, aud: 'https://someone-else.example', kid: key.kid, alg: 'ES256', client_id: 'billing', iat: 0, exp: 0, now: 0 })
    const line = error.describe()
    assert.match(line, /^401 invalid_token \(audience_mismatch\)/)
    assert.match(line, /aud="https:\/\/someone-else\.example"/)
    assert.match(line, /client_id="billing"/)
    assert.doesNotMatch(line, new RegExp(token.split('.')[2]!.slice(0, 20)))
  })

  test('an expired token shows exp against the clock', async () => {
    const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
    const exp = nowSeconds() - 3600
    const error = await expectRefusal(verifier.verify(await signToken(key, { exp, iat: exp - 60 })), 'token_expired', 401)
    assert.equal(error.facts?.exp, exp)
    assert.ok(Math.abs((error.facts?.now ?? 0) - nowSeconds()) <= 2)
  })

  test('printing a refusal (what Express 5 does with errors) is one line, without jose\'s payload (jti, sub)', async () => {
    const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
    const error = await expectRefusal(verifier.verify(await signToken(key, { aud: 'https://x.example', jti: 'jti-must-not-leak', sub: 'sub-must-not-leak' })), 'audience_mismatch', 401)
    const printed = inspect(error)
    assert.equal(printed.split('\n').length, 1, printed)
    assert.doesNotMatch(printed, /jti-must-not-leak|sub-must-not-leak/)
    assert.doesNotMatch(inspect((error as TokenGuardError & { cause?: unknown }).cause, { depth: 5 }), /jti-must-not-leak|sub-must-not-leak/)
  })
})

describe('issue 11 case 6: issuer entries only tighten the top-level checks', () => {
  const entry = () => ({ issuer: LOCAL_ISSUER, jwks: { keys: [key.publicJwk] } })

  test('a top-level claims check still applies to an entry that has claims of its own', async () => {
    const verifier = createVerifier({ issuers: [{ ...entry(), claims: { token_use: 'access' } }], audience: TEST_AUDIENCE, claims: { tenant: 't-1' } })
    await expectRefusal(verifier.verify(await signToken(key, { token_use: 'access' })), 'claim_invalid', 401)
    await verifier.verify(await signToken(key, { token_use: 'access', tenant: 't-1' }))
  })

  test('an entry with profile: undefined keeps the top-level rfc9068 profile and maxTokenAge', async () => {
    const verifier = createVerifier({ issuers: [{ ...entry(), profile: undefined, maxTokenAge: undefined }], audience: TEST_AUDIENCE, profile: 'rfc9068', maxTokenAge: '60s' })
    await expectRefusal(verifier.verify(await signToken(key, {}, { header: { typ: 'JWT' } })), 'token_type_not_allowed', 401)
    const old = nowSeconds() - 3600
    await expectRefusal(verifier.verify(await signToken(key, { iat: old, exp: nowSeconds() + 60 })), 'token_too_old', 401)
  })

  test('an entry may not replace a top-level claim check, nor allow none of the top-level algorithms', () => {
    assert.throws(() => createVerifier({ issuers: [{ ...entry(), claims: { tenant: 'other' } }], audience: TEST_AUDIENCE, claims: { tenant: 't-1' } }), /may add claim checks, not replace them/)
    assert.throws(() => createVerifier({ issuers: [{ ...entry(), algorithms: ['RS256'] }], audience: TEST_AUDIENCE, algorithms: ['ES256'] }), /allows none of the top-level "algorithms"/)
  })

  test('the stricter of two max ages and the smaller tolerance win', async () => {
    const verifier = createVerifier({ issuers: [{ ...entry(), maxTokenAge: '1h', clockTolerance: '30s' }], audience: TEST_AUDIENCE, maxTokenAge: 60_000, clockTolerance: 0 })
    await expectRefusal(verifier.verify(await signToken(key, { iat: nowSeconds() - 600 })), 'token_too_old', 401)
    await expectRefusal(verifier.verify(await signToken(key, { exp: nowSeconds() - 10 })), 'token_expired', 401)
  })
})
