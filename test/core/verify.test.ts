/**
 * `verify()` with local keys (`jwks`: no network) and with a shared secret (`secret`: HS256): the result,
 * requirements, the two profiles, the clock rules and required claims.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier, InsufficientScopeError, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken, TEST_SECRET } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let rsa: SigningKey
let ec: SigningKey
let local: (extra?: Partial<VerifierOptions>) => ReturnType<typeof createVerifier>

before(async () => {
  rsa = await generateSigningKey('RS256')
  ec = await generateSigningKey('ES256')
  local = (extra = {}) => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [rsa.publicJwk, ec.publicJwk] }, ...extra })
})

describe('verify() with local keys', () => {
  test('returns the token, header, claims and scopes', async () => {
    const token = await signToken(rsa, { scope: 'read:data write:data', tenant: 't-1' })
    const auth = await local().verify(token)
    assert.equal(auth.token, token)
    assert.equal(auth.header.alg, 'RS256')
    assert.equal(auth.header.kid, rsa.kid)
    assert.equal(auth.claims.iss, LOCAL_ISSUER)
    assert.equal(auth.claims.sub, 'client-1')
    assert.equal(auth.claims.tenant, 't-1')
    assert.deepEqual([...auth.scopes].sort(), ['read:data', 'write:data'])
  })

  test('the result is frozen, nested claims included', async () => {
    const auth = await local().verify<{ groups: string[]; ext: { level: number } }>(await signToken(rsa, { groups: ['a'], ext: { level: 1 } }))
    for (const [name, value] of Object.entries({ auth, claims: auth.claims, header: auth.header, groups: auth.claims.groups, ext: auth.claims.ext })) {
      assert.ok(Object.isFrozen(value), `${name} is frozen`)
    }
    assert.throws(() => {
      ;(auth.claims as { sub?: string }).sub = 'admin'
    }, TypeError)
  })

  test('a handler cannot grant scopes to the next request that presents the same token', async () => {
    const verifier = local()
    const token = await signToken(rsa, { scope: 'read:data' })
    const first = await verifier.verify(token)
    try {
      ;(first.scopes as Set<string>).add('admin')
    } catch {
      // refusing the mutation is one correct outcome; the assertion below is what matters
    }
    await assert.rejects(verifier.verify(token, { scopes: ['admin'] }), InsufficientScopeError, 'the cached result must not carry the added scope')
    assert.equal((await verifier.verify(token)).scopes.has('admin'), false)
  })

  test('a cache hit answers one shared decision, frozen: a handler cannot change what the next request is told', async () => {
    const verifier = local()
    const token = await signToken(rsa, { scope: 'read:data' })
    const view = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }
    for (let full = 0; full < 2; full++) await verifier.decide(view) // stored on its second check
    const hit = verifier.decide(view)
    assert.ok(!(hit instanceof Promise) && hit.outcome === 'accepted', 'a synchronous hit')
    assert.ok(Object.isFrozen(hit))
    assert.throws(() => {
      ;(hit as { auth: unknown }).auth = { token: 'forged', scopes: new Set(['admin']) }
    }, TypeError)
    const next = verifier.decide(view)
    assert.ok(!(next instanceof Promise) && next.outcome === 'accepted' && next.auth.token === token && !next.auth.scopes.has('admin'))
  })

  test('requirements: all scopes, any scope', async () => {
    const verifier = local()
    const token = await signToken(rsa, { scope: 'read:data' })
    await verifier.verify(token, { scopes: ['read:data'] })
    await verifier.verify(token, { anyScopes: ['admin', 'read:data'] })
    const missing = await expectRefusal(verifier.verify(token, { scopes: ['read:data', 'write:data'] }), 'insufficient_scope', 403)
    assert.ok(missing instanceof InsufficientScopeError)
    assert.deepEqual(missing.requiredScopes, ['read:data', 'write:data'])
    await expectRefusal(verifier.verify(token, { anyScopes: ['admin', 'root'] }), 'insufficient_scope', 403)
    await assert.rejects(verifier.verify(token, { scopes: ['bad scope'] }), TypeError)
  })

  test('scopes are read from the configured claims', async () => {
    const token = await signToken(rsa, { scope: 'a', scp: ['b'], permissions: ['c'] })
    assert.deepEqual([...(await local({ scopeClaims: ['scp', 'permissions'] }).verify(token)).scopes].sort(), ['b', 'c'])
  })

  test('the usual refusals, with their reasons', async () => {
    const verifier = local()
    await expectRefusal(verifier.verify(await signToken(rsa, { aud: 'https://other.example' })), 'audience_mismatch', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, { iss: 'https://evil.example' })), 'issuer_mismatch', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, { exp: nowSeconds() - 60 })), 'token_expired', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, { nbf: nowSeconds() + 60 })), 'token_not_yet_valid', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, {}, { omit: ['exp'] })), 'claim_missing', 401)
    const [header, payload] = (await signToken(rsa)).split('.')
    const forged = Buffer.from(JSON.stringify({ iss: LOCAL_ISSUER, aud: TEST_AUDIENCE, exp: nowSeconds() + 60, scope: 'admin' })).toString('base64url')
    await expectRefusal(verifier.verify(`${header}.${forged}.${(await signToken(rsa)).split('.')[2]}`), 'signature_invalid', 401)
    await expectRefusal(verifier.verify(`${header}.${payload}.`), 'signature_invalid', 401)
    await expectRefusal(verifier.verify('not-a-jwt'), 'token_malformed', 401)
    await expectRefusal(verifier.verify(''), 'token_malformed', 401)
    await expectRefusal(verifier.verify(42 as unknown as string), 'token_malformed', 401)
    await expectRefusal(verifier.verify('a'.repeat(8193)), 'token_too_large', 401)
    const stranger = await generateSigningKey('RS256')
    await expectRefusal(verifier.verify(await signToken(stranger)), 'key_not_found', 401)
  })

  test('only the allowed algorithms', async () => {
    const token = await signToken(ec)
    await local().verify(token)
    await expectRefusal(local({ algorithms: ['RS256'] }).verify(token), 'algorithm_not_allowed', 401)
    await expectRefusal(local().verify(unsecured()), 'algorithm_not_allowed', 401)
  })

  test('maxTokenLength is configurable', async () => {
    const token = await signToken(rsa)
    await expectRefusal(local({ maxTokenLength: token.length - 1 }).verify(token), 'token_too_large')
    await local({ maxTokenLength: token.length }).verify(token)
  })
})

/** An `alg: none` token: jose will not sign one, so it is assembled by hand. */
function unsecured(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'at+jwt' })}.${part({ iss: LOCAL_ISSUER, aud: TEST_AUDIENCE, exp: nowSeconds() + 60, scope: 'admin' })}.`
}

describe('profiles (RFC 9068 §2.1, RFC 8725 §3.11)', () => {
  test('rfc9068 accepts at+jwt, in either spelling', async () => {
    const verifier = local({ profile: 'rfc9068' })
    await verifier.verify(await signToken(rsa))
    await verifier.verify(await signToken(rsa, {}, { header: { typ: 'application/at+jwt' } }))
    await verifier.verify(await signToken(rsa, {}, { header: { typ: 'AT+JWT' } }))
  })

  test('rfc9068 refuses JWT-typed and untyped tokens', async () => {
    const verifier = local({ profile: 'rfc9068' })
    await expectRefusal(verifier.verify(await signToken(rsa, {}, { header: { typ: 'JWT' } })), 'token_type_not_allowed', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, {}, { header: { typ: undefined } })), 'token_type_not_allowed', 401)
  })

  test('rfc9068 requires sub, client_id, iat and jti', async () => {
    const verifier = local({ profile: 'rfc9068' })
    for (const claim of ['sub', 'client_id', 'iat', 'jti']) {
      await expectRefusal(verifier.verify(await signToken(rsa, {}, { omit: [claim] })), 'claim_missing', 401)
    }
  })

  test('lenient accepts JWT-typed and untyped tokens without the RFC 9068 claims', async () => {
    const verifier = local()
    await verifier.verify(await signToken(rsa, {}, { header: { typ: 'JWT' } }))
    await verifier.verify(await signToken(rsa, {}, { header: { typ: 'application/jwt' } }))
    await verifier.verify(await signToken(rsa, {}, { header: { typ: undefined } }))
    await verifier.verify(await signToken(rsa, {}, { omit: ['sub', 'client_id', 'iat', 'jti'] }))
  })

  test('both profiles refuse a token typed as another kind of JWT', async () => {
    for (const profile of ['lenient', 'rfc9068'] as const) {
      for (const typ of ['dpop+jwt', 'logout+jwt', 'secevent+jwt', 'JOSE', '']) {
        await expectRefusal(local({ profile }).verify(await signToken(rsa, {}, { header: { typ } })), 'token_type_not_allowed', 401)
      }
    }
  })
})

describe('clock rules', () => {
  // Date stands still in these (timers and I/O stay real): exp = now - 3 is within 5 s of tolerance only
  // while less than 2 s boundaries pass, which a process stalled for a second can otherwise spend.
  test('clockTolerance applies to exp (default 5 s)', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const token = await signToken(rsa, { exp: nowSeconds() - 3 })
    await local().verify(token)
    await expectRefusal(local({ clockTolerance: 0 }).verify(token), 'token_expired')
  })

  test('clockTolerance applies to nbf', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const token = await signToken(rsa, { nbf: nowSeconds() + 3 })
    await local().verify(token)
    await expectRefusal(local({ clockTolerance: 0 }).verify(token), 'token_not_yet_valid')
  })

  test('maxTokenAge refuses old tokens and requires iat', async () => {
    const verifier = local({ maxTokenAge: '60s' })
    await verifier.verify(await signToken(rsa, { iat: nowSeconds() - 30 }))
    await expectRefusal(verifier.verify(await signToken(rsa, { iat: nowSeconds() - 120 })), 'token_too_old', 401)
    await expectRefusal(verifier.verify(await signToken(rsa, {}, { omit: ['iat'] })), 'claim_missing', 401)
    await local().verify(await signToken(rsa, { iat: nowSeconds() - 120 }))
  })
})

test('requiredClaims must be present', async () => {
  const verifier = local({ requiredClaims: ['tenant'] })
  await expectRefusal(verifier.verify(await signToken(rsa)), 'claim_missing', 401)
  assert.equal((await verifier.verify(await signToken(rsa, { tenant: 't' }))).claims.tenant, 't')
})

describe('verify() with a shared secret (HS256)', () => {
  const hs = (extra: Partial<VerifierOptions> = {}) => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret: TEST_SECRET, ...extra })

  test('a token signed with the secret verifies', async () => {
    const auth = await hs().verify(await signToken(TEST_SECRET, { scope: 'read:data' }), { scopes: ['read:data'] })
    assert.equal(auth.header.alg, 'HS256')
    assert.ok(Object.isFrozen(auth.claims))
  })

  test('the secret may be given as bytes', async () => {
    await hs({ secret: new TextEncoder().encode(TEST_SECRET) }).verify(await signToken(TEST_SECRET))
  })

  test('another secret is a signature failure', async () => {
    await expectRefusal(hs().verify(await signToken(`${TEST_SECRET}-other`)), 'signature_invalid', 401)
  })

  test('an asymmetric token is refused by an HMAC verifier', async () => {
    await expectRefusal(hs().verify(await signToken(rsa)), 'algorithm_not_allowed', 401)
  })

  test('an HMAC token is refused by an asymmetric verifier (RS/HS confusion)', async () => {
    await expectRefusal(local().verify(await signToken(JSON.stringify(rsa.publicJwk))), 'algorithm_not_allowed', 401)
  })

  test('the claim rules apply as with asymmetric keys', async () => {
    await expectRefusal(hs().verify(await signToken(TEST_SECRET, { aud: 'https://other.example' })), 'audience_mismatch')
    await expectRefusal(hs().verify(await signToken(TEST_SECRET, { exp: nowSeconds() - 60 })), 'token_expired')
  })
})
