/**
 * Opaque tokens through the verifier (RFC 7662): what an introspection answer must say to be accepted, how
 * tokens are routed between local verification and introspection, how the API authenticates, and RFC 9701
 * signed answers — against a real introspection server on 127.0.0.1 that answers from a table.
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import { createVerifier, type IntrospectionOptions, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { opaqueToken, startIntrospectionServer, type IntrospectionServer } from '../support/introspection-server.js'
import { expectRefusal } from '../support/refusal.js'

let as: IntrospectionServer
let jwtIssuer: KeyServer

before(async () => {
  as = await startIntrospectionServer()
  jwtIssuer = await startKeyServer()
})
after(async () => {
  await as.close()
  await jwtIssuer.close()
})
beforeEach(() => {
  as.behaviour = { kind: 'ok' }
  as.signedAnswer = {}
})

const now = () => Math.floor(Date.now() / 1000)

function verifierFor(options: Partial<VerifierOptions> = {}, introspection: Partial<IntrospectionOptions> = {}) {
  return createVerifier({
    issuer: as.issuer,
    allowInsecureHttp: true,
    audience: TEST_AUDIENCE,
    ...options,
    introspection: { clientId: as.clientId, clientSecret: as.clientSecret, ...introspection } as IntrospectionOptions,
  })
}

/** Registers an answer for a fresh token and returns the token. */
function tokenAnswering(members: Record<string, unknown> = {}, omit: string[] = []): string {
  const token = opaqueToken()
  const answer: Record<string, unknown> = {
    active: true, iss: as.issuer, aud: TEST_AUDIENCE, client_id: 'client-1', sub: 'client-1', scope: 'read:data write:data', exp: now() + 300, iat: now(), token_type: 'Bearer',
    ...members,
  }
  for (const name of omit) delete answer[name]
  as.answers.set(token, answer)
  return token
}

describe('what an answer must say', () => {
  test('an active answer becomes the same AuthContext a JWT gives: claims, scopes, no header', async () => {
    const token = tokenAnswering()
    const auth = await verifierFor().verify(token, { scopes: ['read:data'] })
    assert.equal(auth.token, token)
    assert.deepEqual(auth.header, {})
    assert.equal(auth.claims.client_id, 'client-1')
    assert.deepEqual([...auth.scopes].sort(), ['read:data', 'write:data'])
    assert.ok(Object.isFrozen(auth.claims), 'shared through the caches: frozen')
  })

  test('the request: the token with an access_token hint, Basic credentials form-encoded (RFC 6749 §2.3.1), JSON asked for', async () => {
    const token = tokenAnswering()
    await verifierFor().verify(token)
    const seen = as.seen.at(-1)!
    assert.equal(seen.form.get('token'), token)
    assert.equal(seen.form.get('token_type_hint'), 'access_token')
    assert.equal(seen.form.has('client_secret'), false)
    const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from(`${encode(as.clientId)}:${encode(as.clientSecret)}`).toString('base64')}`)
    assert.equal(seen.headers.accept, 'application/json')
  })

  test('scopes come from the configured scope claims', async () => {
    const token = tokenAnswering({ scp: ['admin'] }, ['scope'])
    const auth = await verifierFor({ scopeClaims: ['scp'] }).verify(token)
    assert.deepEqual([...auth.scopes], ['admin'])
  })

  test('active: false is 401 token_inactive (revoked, expired or unknown)', async () => {
    const token = tokenAnswering({ active: false })
    await expectRefusal(verifierFor().verify(token), 'token_inactive', 401)
    await expectRefusal(verifierFor().verify(opaqueToken()), 'token_inactive', 401)
  })

  test('a missing scope is 403 as for a JWT', async () => {
    await expectRefusal(verifierFor().verify(tokenAnswering({ scope: 'read:data' }), { scopes: ['admin'] }), 'insufficient_scope', 403)
  })

  const refusals: Array<[string, Record<string, unknown>, string, Partial<VerifierOptions>?, Partial<IntrospectionOptions>?]> = [
    ['exp in the past (beyond the tolerance)', { exp: now() - 60 }, 'token_expired'],
    ['nbf in the future', { nbf: now() + 120 }, 'token_not_yet_valid'],
    ['iss of another issuer', { iss: 'https://evil.example' }, 'issuer_mismatch'],
    ['aud of another API', { aud: 'https://other.example' }, 'audience_mismatch'],
    ['aud as an array without this API', { aud: ['https://other.example'] }, 'audience_mismatch'],
    ['token_type DPoP (the proof is not checked)', { token_type: 'DPoP' }, 'token_binding_unverified'],
    ['a cnf binding', { cnf: { jkt: 'thumbprint' } }, 'token_binding_unverified'],
    ['token_type of a refresh token', { token_type: 'refresh_token' }, 'token_type_not_allowed'],
    ['exp that is not a number', { exp: String(now() + 300) }, 'claim_invalid'],
    ['scope that is not a string', { scope: ['read:data'] }, 'claim_invalid'],
    ['a "claims" check that fails', { client_id: 'someone-else' }, 'claim_invalid', { claims: { client_id: 'client-1' } }],
    ['a required claim that is missing', { sub: undefined }, 'claim_missing', { requiredClaims: ['sub'] }],
    ['maxTokenAge without iat', { iat: undefined }, 'claim_missing', { maxTokenAge: '10m' }],
    ['maxTokenAge exceeded', { iat: now() - 3600 }, 'token_too_old', { maxTokenAge: '10m' }],
    ['audienceClaim client_id naming another client', { client_id: 'other' }, 'audience_mismatch', { audienceClaim: 'client_id', audience: 'client-1' }],
  ]
  for (const [name, members, reason, options, introspection] of refusals) {
    test(`refused: ${name} (${reason})`, async () => {
      const omitted = Object.keys(members).filter((member) => members[member] === undefined)
      const error = await expectRefusal(verifierFor(options, introspection).verify(tokenAnswering(members, omitted)), reason as never, 401)
      assert.equal(error.code, 'invalid_token')
    })
  }

  test('an expired answer says so on the wire, like an expired JWT', async () => {
    const error = await expectRefusal(verifierFor().verify(tokenAnswering({ exp: now() - 60 })), 'token_expired', 401)
    assert.match(error.wwwAuthenticate ?? '', /error_description="The access token expired"/)
  })

  test('a refusal carries the answer\'s facts for the operator, never the token', async () => {
    const token = tokenAnswering({ aud: 'https://other.example' })
    const error = await expectRefusal(verifierFor().verify(token), 'audience_mismatch')
    assert.equal(error.facts?.aud, 'https://other.example')
    assert.equal(error.facts?.client_id, 'client-1')
    assert.doesNotMatch(error.describe(), new RegExp(token))
  })

  test('accepted: aud as an array naming this API, lower-case bearer, no exp (the answer is the authority)', async () => {
    await verifierFor().verify(tokenAnswering({ aud: ['https://other.example', TEST_AUDIENCE], token_type: 'bearer' }, ['exp']))
  })

  test('an answer without aud is refused by default (requireAudience), accepted when turned off', async () => {
    const token = tokenAnswering({}, ['aud'])
    const error = await expectRefusal(verifierFor().verify(token), 'claim_missing', 401)
    assert.match(error.detail ?? '', /requireAudience/)
    await verifierFor({}, { requireAudience: false }).verify(token)
    await expectRefusal(verifierFor({}, { requireAudience: false }).verify(tokenAnswering({ aud: 'https://other.example' })), 'audience_mismatch')
  })

  test('an answer without iss is accepted: it comes from the configured issuer\'s endpoint', async () => {
    await verifierFor().verify(tokenAnswering({}, ['iss']))
  })
})

describe('which tokens are introspected', () => {
  test("'auto' (the default): a JWT-shaped token that fails locally is refused, never introspected", async () => {
    const before = as.count()
    await expectRefusal(verifierFor().verify('abc.def.ghi'), 'token_malformed')
    await expectRefusal(verifierFor().verify(await jwtIssuer.mint()), 'issuer_mismatch')
    assert.equal(as.count(), before, 'no introspection request')
  })

  test("'auto': a JWT of the issuer is verified locally beside opaque tokens", async () => {
    const issuer = await startKeyServer()
    const introspected = await startIntrospectionServer()
    try {
      introspected.discovery = {}
      const verifier = createVerifier({
        issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE,
        introspection: { endpoint: as.endpoint, clientId: as.clientId, clientSecret: as.clientSecret, requireAudience: false },
      })
      const before = as.count()
      assert.equal((await verifier.verify(await issuer.mint())).claims.iss, issuer.issuer)
      assert.equal(as.count(), before, 'the JWT was not introspected')
      const opaque = tokenAnswering({ iss: issuer.issuer })
      assert.equal((await verifier.verify(opaque)).claims.active, true)
      assert.equal(as.count(), before + 1)
    } finally {
      await issuer.close()
      await introspected.close()
    }
  })

  test("'opaque': every token is introspected, JWTs too (a revocation check)", async () => {
    const jwt = await jwtIssuer.mint()
    as.answers.set(jwt, { active: true, iss: as.issuer, aud: TEST_AUDIENCE, exp: now() + 60 })
    const before = as.count()
    await verifierFor({ tokenFormat: 'opaque' }).verify(jwt)
    assert.equal(as.count(), before + 1)
  })

  test("a token is sent to the configured issuer's endpoint only, never to the issuer it names", async () => {
    const foreign = await jwtIssuer.mint()
    const seenBy = () => jwtIssuer.counts.discovery + jwtIssuer.counts.rfc8414 + jwtIssuer.counts.jwks + jwtIssuer.counts.other
    const [before, beforeForeign] = [as.count(), seenBy()]
    await expectRefusal(verifierFor({ tokenFormat: 'opaque' }).verify(foreign), 'token_inactive', 401)
    assert.equal(as.count(), before + 1)
    assert.equal(as.seen.at(-1)!.form.get('token'), foreign)
    assert.equal(seenBy(), beforeForeign, 'the issuer the token names was never contacted')
  })

  test('extra fetchHeaders go with the request, but never replace its content type', async () => {
    await verifierFor({ fetchHeaders: { 'user-agent': 'orders-api/1.0', 'content-type': 'text/plain' } }).verify(tokenAnswering())
    const seen = as.seen.at(-1)!
    assert.equal(seen.headers['user-agent'], 'orders-api/1.0')
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded')
  })

  test('without introspection an opaque token is malformed, as before', async () => {
    await expectRefusal(createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE }).verify(opaqueToken()), 'token_malformed', 401)
  })

  test('a token that is not an RFC 6750 b64token is refused before any request', async () => {
    const before = as.count()
    await expectRefusal(verifierFor().verify('not a b64token'), 'token_malformed', 401)
    await expectRefusal(verifierFor().verify('x'.repeat(9000)), 'token_too_large', 401)
    assert.equal(as.count(), before)
  })
})

describe('how this API authenticates', () => {
  test('client_secret_post: credentials in the form, no Authorization header', async () => {
    await verifierFor({}, { clientAuth: 'client_secret_post' }).verify(tokenAnswering())
    const seen = as.seen.at(-1)!
    assert.equal(seen.headers.authorization, undefined)
    assert.equal(seen.form.get('client_id'), as.clientId)
    assert.equal(seen.form.get('client_secret'), as.clientSecret)
  })

  for (const form of ['a private JWK', 'a CryptoKey'] as const) {
    test(`private_key_jwt with ${form}: a fresh assertion per request (RFC 7523)`, async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
      as.assertionKey = publicKey
      const key = form === 'a CryptoKey' ? privateKey : { ...(await exportJWK(privateKey)), kid: 'api-key' }
      const verifier = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, introspection: { clientId: as.clientId, privateKey: key } })
      await verifier.verify(tokenAnswering())
      await verifier.verify(tokenAnswering())
      const [first, second] = as.seen.slice(-2).map((seen) => seen.form)
      assert.equal(first!.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      assert.notEqual(first!.get('client_assertion'), second!.get('client_assertion'))
      assert.equal(first!.has('client_secret'), false)
    })
  }

  test('private_key_jwt with a key jose cannot sign with: 503 introspection_misconfigured', async () => {
    const verifier = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, introspection: { clientId: as.clientId, privateKey: { kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', d: 'bad' } } })
    const error = await expectRefusal(verifier.verify(tokenAnswering()), 'introspection_misconfigured', 503)
    assert.match(error.detail ?? '', /introspection.privateKey/)
  })

  test('private_key_jwt with a key the server does not know: 503 introspection_misconfigured', async () => {
    const { publicKey } = await generateKeyPair('ES256')
    as.assertionKey = publicKey
    const { privateKey } = await generateKeyPair('ES256')
    const verifier = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, introspection: { clientId: as.clientId, privateKey } })
    await expectRefusal(verifier.verify(tokenAnswering()), 'introspection_misconfigured', 503)
  })
})

describe('signed answers (RFC 9701)', () => {
  const signed = (introspection: Partial<IntrospectionOptions> = {}) => verifierFor({}, { jwtResponse: true, ...introspection })

  test('asked for with Accept, verified with the issuer\'s keys, its token_introspection claim judged', async () => {
    const token = tokenAnswering()
    const auth = await signed().verify(token)
    assert.equal(as.seen.at(-1)!.headers.accept, 'application/token-introspection+jwt')
    assert.equal(auth.claims.client_id, 'client-1')
    await expectRefusal(signed().verify(tokenAnswering({ active: false })), 'token_inactive', 401)
  })

  const broken: Array<[string, IntrospectionServer['signedAnswer']]> = [
    ['typ of another kind of JWT', { typ: 'JWT' }],
    ['iss of another issuer', { iss: 'https://evil.example' }],
    ['aud of another client', { aud: 'another-client' }],
  ]
  for (const [name, signedAnswer] of broken) {
    test(`a signed answer with ${name} is no answer: 503, never 401`, async () => {
      as.signedAnswer = signedAnswer
      await expectRefusal(signed().verify(tokenAnswering()), 'introspection_unavailable', 503)
    })
  }

  test('a signed answer from a key not in the issuer\'s set: 503', async () => {
    as.signedAnswer = { key: await generateSigningKey('RS256', 'stranger') }
    await expectRefusal(signed().verify(tokenAnswering()), 'introspection_unavailable', 503)
  })

  test('an unsigned answer to a request for a signed one is a misconfiguration (503)', async () => {
    as.behaviour = { kind: 'never-signed' }
    const error = await expectRefusal(signed().verify(tokenAnswering()), 'introspection_misconfigured', 503)
    assert.match(error.detail ?? '', /register the client for signed introspection responses/)
  })

  test('a signed answer nobody asked for is a misconfiguration too (503)', async () => {
    as.behaviour = { kind: 'always-signed' }
    await expectRefusal(verifierFor().verify(tokenAnswering()), 'introspection_misconfigured', 503)
  })
})

describe('several issuers', () => {
  test('opaque tokens go to the one entry that introspects; JWTs go by their iss', async () => {
    const verifier = createVerifier({
      audience: TEST_AUDIENCE,
      issuers: [{ issuer: jwtIssuer.issuer, allowInsecureHttp: true }, { issuer: as.issuer, allowInsecureHttp: true, introspection: { clientId: as.clientId, clientSecret: as.clientSecret } }],
    })
    assert.equal((await verifier.verify(await jwtIssuer.mint())).claims.iss, jwtIssuer.issuer)
    assert.equal((await verifier.verify(tokenAnswering())).claims.iss, as.issuer)
  })

  test('without an introspecting entry an opaque token is malformed', async () => {
    const verifier = createVerifier({ audience: TEST_AUDIENCE, issuers: [{ issuer: jwtIssuer.issuer, allowInsecureHttp: true }] })
    await expectRefusal(verifier.verify(opaqueToken()), 'token_malformed', 401)
  })

  test('two introspecting entries, or introspection at the top level, are refused at startup', () => {
    const introspection = { clientId: as.clientId, clientSecret: as.clientSecret }
    assert.throws(
      () => createVerifier({ audience: TEST_AUDIENCE, issuers: [{ issuer: jwtIssuer.issuer, allowInsecureHttp: true, introspection }, { issuer: as.issuer, allowInsecureHttp: true, introspection }] }),
      /both take opaque tokens/,
    )
    assert.throws(() => createVerifier({ audience: TEST_AUDIENCE, introspection, issuers: [{ issuer: as.issuer, allowInsecureHttp: true }] } as never), /belong in each issuer's entry/)
  })
})

describe('options are checked at startup', () => {
  const base = { issuer: 'https://issuer.example', audience: TEST_AUDIENCE }
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown introspection key', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', cacheMaxAg: 1 } }, /unknown option "cacheMaxAg".*did you mean "cacheMaxAge"/],
    ['no clientId', { introspection: { clientSecret: 's3cr3t-value' } }, /introspection.clientId" is required/],
    ['no secret for client_secret_basic', { introspection: { clientId: 'api' } }, /introspection.clientSecret" is required for client_secret_basic/],
    ['a secret with private_key_jwt', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', clientAuth: 'private_key_jwt' } }, /clientSecret" is not used with private_key_jwt/],
    ['a public key for private_key_jwt', { introspection: { clientId: 'api', privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } } }, /privateKey" .* is required for private_key_jwt/],
    ['an unknown clientAuth', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', clientAuth: 'tls_client_auth' } }, /clientAuth" must be one of/],
    ['a duration without a unit', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', cacheMaxAge: '5' } }, /cacheMaxAge" must be a non-negative number/],
    ['a cache age over 24 hours', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', cacheMaxAge: '25h' } }, /cacheMaxAge" must be at most/],
    ['a relative endpoint', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', endpoint: '/introspect' } }, /introspection.endpoint" must be an absolute/],
    ['a bad cache bound', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', cache: { negativeMax: 0 } } }, /negativeMax" must be a positive integer/],
    ['a store without set()', { introspection: { clientId: 'api', clientSecret: 's3cr3t-value', cacheStore: { get: async () => undefined } } }, /cacheStore" must have get/],
    ["tokenFormat 'opaque' without introspection", { tokenFormat: 'opaque' }, /needs the "introspection" option/],
    ["tokenFormat 'jwt' with introspection", { tokenFormat: 'jwt', introspection: { clientId: 'api', clientSecret: 's3cr3t-value' } }, /never introspects/],
    ['an unknown tokenFormat', { tokenFormat: 'paseto' }, /tokenFormat" must be one of/],
  ]
  for (const [name, options, message] of cases) {
    test(`refused: ${name}, with a message that never shows the secret`, () => {
      assert.throws(() => createVerifier({ ...base, ...options } as VerifierOptions), (error: Error) => {
        assert.ok(error instanceof TypeError)
        assert.match(error.message, message)
        assert.doesNotMatch(error.message, /s3cr3t-value/)
        return true
      })
    })
  }

  test("durations as strings: '5m' and '30s' are accepted", () => {
    const introspection: IntrospectionOptions = { clientId: 'api', clientSecret: 's3cr3t-value', cacheMaxAge: '5m', negativeCacheMaxAge: '30s' }
    createVerifier({ ...base, introspection })
  })
})
