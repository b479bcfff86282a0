/**
 * The request layer shared by the adapters: route requirements compiled once, then extract → verify →
 * authorize per request (scopes and claim checks).
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { compileRequirement, createVerifier, MissingTokenError, type RouteRequirementInit, type Verifier } from '@tokenguard/core'
import { parseChallenge } from '../support/challenge.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'
import { authenticate, authenticateMaybeSync } from '../support/decide.js'
import { authorize } from '@tokenguard/core/adapter'

let key: SigningKey
let verifier: Verifier

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api' })
})

const bearer = (token: string) => ({ method: 'GET', headers: { authorization: `Bearer ${token}` } })

describe('compileRequirement', () => {
  test('refuses bad input with a TypeError, at compile time', () => {
    assert.throws(() => compileRequirement(null as unknown as RouteRequirementInit), TypeError)
    assert.throws(() => compileRequirement('read:data' as unknown as RouteRequirementInit), TypeError)
    assert.throws(() => compileRequirement({ scopes: 'read:data' as unknown as string[] }), /"scopes" must be an array/)
    assert.throws(() => compileRequirement({ anyScopes: 'a' as unknown as string[] }), /"anyScopes" must be an array/)
    assert.throws(() => compileRequirement({ scopes: ['has space'] }), /not a valid scope name/)
    assert.throws(() => compileRequirement({ claims: { tenant: { nested: 1 } as unknown as string } }), /check for claim "tenant"/)
    assert.throws(() => compileRequirement({ claims: { tenant: null as unknown as string } }), TypeError)
  })

  test('the compiled requirement is frozen', () => {
    const requirement = compileRequirement({ scopes: ['a'], optional: true, claims: { tenant: 't' } })
    assert.ok(Object.isFrozen(requirement) && Object.isFrozen(requirement.claims) && Object.isFrozen(requirement.scopes))
    assert.equal(requirement.optional, true)
    assert.throws(() => compileRequirement({ optional: 'yes' as unknown as boolean }), /"optional" must be a boolean/, 'issue 11 case 3: a wrong type is refused, not read as false')
  })
})

describe('verifier.decide', () => {
  test('a valid token: the verified context', async () => {
    const token = await signToken(key)
    const auth = await authenticate(verifier, bearer(token))
    assert.equal(auth?.token, token)
  })

  test('no token: 401 without an error attribute, with the realm', async () => {
    const error = await expectRefusal(authenticate(verifier, { headers: {} }), 'missing_token', 401)
    assert.ok(error instanceof MissingTokenError)
    assert.deepEqual(parseChallenge(error.wwwAuthenticate ?? null).params, { realm: 'api' })
  })

  test('optional: no token is anonymous, a bad token is still refused', async () => {
    const optional = verifier.requirement({ optional: true })
    assert.equal(await authenticate(verifier, { headers: {} }, optional), undefined)
    await expectRefusal(authenticate(verifier, bearer('bad.token.here'), optional), 'token_malformed', 401)
    await expectRefusal(authenticate(verifier, { headers: { authorization: 'Bearer' } }, optional), 'malformed_authorization_header', 400)
  })

  test('scopes of the requirement', async () => {
    const token = await signToken(key, { scope: 'read:data' })
    await authenticate(verifier, bearer(token), verifier.requirement({ scopes: ['read:data'] }))
    const error = await expectRefusal(authenticate(verifier, bearer(token), verifier.requirement({ scopes: ['write:data'] })), 'insufficient_scope', 403)
    assert.equal(parseChallenge(error.wwwAuthenticate ?? null).params.realm, 'api')
  })
})

describe('claim checks', () => {
  async function check(claims: Record<string, unknown>, requirement: RouteRequirementInit['claims']) {
    return authenticate(verifier, bearer(await signToken(key, claims)), verifier.requirement({ claims: requirement }))
  }

  test('an expected value must be equal (strictly)', async () => {
    await check({ tenant: 't-1', level: 3, admin: true }, { tenant: 't-1', level: 3, admin: true })
    await expectRefusal(check({ tenant: 't-2' }, { tenant: 't-1' }), 'claim_requirement_failed', 401)
    await expectRefusal(check({ level: '3' }, { level: 3 }), 'claim_requirement_failed', 401)
    await expectRefusal(check({}, { tenant: 't-1' }), 'claim_requirement_failed', 401)
  })

  test('for an array claim, the expected value must be a member', async () => {
    await check({ groups: ['staff', 'admins'] }, { groups: 'admins' })
    await expectRefusal(check({ groups: ['staff'] }, { groups: 'admins' }), 'claim_requirement_failed', 401)
  })

  test('a predicate must return exactly true', async () => {
    await check({ level: 5 }, { level: (value) => typeof value === 'number' && value > 3 })
    await expectRefusal(check({ level: 2 }, { level: (value) => typeof value === 'number' && value > 3 }), 'claim_requirement_failed', 401)
    await expectRefusal(check({ level: 5 }, { level: () => 'yes' as unknown as boolean }), 'claim_requirement_failed', 401)
  })

  test('a predicate sees all claims, and one that throws refuses', async () => {
    await check({ a: 1, b: 1 }, { a: (value, claims) => value === claims.b })
    await expectRefusal(check({ a: 1 }, { a: () => { throw new Error('boom') } }), 'claim_requirement_failed', 401)
  })

  test('inherited properties are not claims', async () => {
    await expectRefusal(check({}, { constructor: (value: unknown) => value !== undefined }), 'claim_requirement_failed', 401)
    await expectRefusal(check({}, { toString: (value: unknown) => value !== undefined }), 'claim_requirement_failed', 401)
  })

  test('the refusal says which claim, to the operator only', async () => {
    const error = await expectRefusal(check({ tenant: 'secret-tenant' }, { tenant: 't-1' }), 'claim_requirement_failed', 401)
    assert.match(error.detail ?? '', /claim tenant/)
    assert.doesNotMatch(error.wwwAuthenticate ?? '', /tenant/)
  })
})

test('authorize (core/adapter) applies a requirement to an already verified context', async () => {
  const auth = await verifier.verify(await signToken(key, { scope: 'read:data', tenant: 't' }))
  authorize(auth, verifier.requirement({ scopes: ['read:data'], claims: { tenant: 't' } }), verifier.settings.challenge)
  assert.throws(() => authorize(auth, verifier.requirement({ scopes: ['admin'] }), verifier.settings.challenge), (error: { reason?: string }) => error.reason === 'insufficient_scope')
  assert.throws(() => authorize(auth, verifier.requirement({ claims: { tenant: 'u' } }), verifier.settings.challenge), (error: { reason?: string }) => error.reason === 'claim_requirement_failed')
})

describe('verifier.decide, the hot path of the adapters', () => {
  test('a cache miss is a Promise; the same token, once stored, is answered synchronously', async () => {
    const token = await signToken(key)
    const first = authenticateMaybeSync(verifier, bearer(token))
    assert.ok(first instanceof Promise)
    assert.equal((await first)?.token, token)
    const again = authenticateMaybeSync(verifier, bearer(token))
    assert.ok(again instanceof Promise, 'stored on its second verification (cache admission), not its first')
    assert.equal((await again)?.token, token)
    const second = authenticateMaybeSync(verifier, bearer(token))
    assert.ok(!(second instanceof Promise))
    assert.equal(second?.token, token)
  })

  test('refusals that need no I/O are thrown synchronously', () => {
    assert.throws(() => authenticateMaybeSync(verifier, { headers: {} }), (error: { reason?: string }) => error.reason === 'missing_token')
    assert.throws(() => authenticateMaybeSync(verifier, { headers: { authorization: 'Bearer a"b' } }), (error: { reason?: string }) => error.reason === 'malformed_authorization_header')
    assert.throws(() => authenticateMaybeSync(verifier, bearer('a'.repeat(9000))), (error: { reason?: string }) => error.reason === 'token_too_large')
    assert.equal(authenticateMaybeSync(verifier, { headers: {} }, verifier.requirement({ optional: true })), undefined)
  })

  test('a cached token still meets the requirement synchronously', async () => {
    const token = await signToken(key, { scope: 'read:data' })
    await verifier.verify(token)
    await verifier.verify(token) // stored on its second verification (cache admission)
    assert.throws(() => authenticateMaybeSync(verifier, bearer(token), verifier.requirement({ scopes: ['admin'] })), (error: { status?: number }) => error.status === 403)
  })

  test('a bad token is a rejected Promise, not a throw', async () => {
    const outcome = (() => authenticateMaybeSync(verifier, bearer('bad.token.here')))()
    assert.ok(outcome instanceof Promise)
    await expectRefusal(outcome, 'token_malformed', 401)
  })
})
