/**
 * Options are validated once, by `createVerifier`: a wrong option is a TypeError at startup, never a
 * surprise at request time. Nothing here touches the network (creation never fetches).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createVerifier, DEFAULT_ALGORITHMS, type SettledOptions, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken, TEST_SECRET } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

// A remote configuration: creation must not contact it (port 9 is "discard"; nothing listens there).
const REMOTE: VerifierOptions = { issuer: 'http://127.0.0.1:9', allowInsecureHttp: true, audience: TEST_AUDIENCE }

function refuses(options: unknown, message: RegExp, label = message.source): void {
  assert.throws(() => createVerifier(options as VerifierOptions), (error: unknown) => {
    assert.ok(error instanceof TypeError, `${label}: expected a TypeError, got ${String(error)}`)
    assert.match(error.message, message, label)
    return true
  })
}

describe('createVerifier refuses bad options with a TypeError', () => {
  test('options that are not an object', () => {
    // undefined and null fail on a property read before validation: still a TypeError at creation
    assert.throws(() => createVerifier(undefined as unknown as VerifierOptions), TypeError)
    assert.throws(() => createVerifier(null as unknown as VerifierOptions), TypeError)
    refuses('https://id.example', /options must be an object/)
  })

  test('issuer is required', () => {
    refuses({ audience: TEST_AUDIENCE }, /"issuer" is required/)
    refuses({ issuer: '', audience: TEST_AUDIENCE }, /"issuer" is required/)
    refuses({ issuer: 42, audience: TEST_AUDIENCE }, /"issuer" is required/)
  })

  test('an issuer to discover from must be an http(s) URL', () => {
    refuses({ issuer: 'not a url', audience: TEST_AUDIENCE }, /"issuer" must be an absolute http\(s\) URL/)
    refuses({ issuer: 'ftp://id.example/', audience: TEST_AUDIENCE }, /"issuer" must be an absolute http\(s\) URL/)
  })

  test('audience is required and not empty', () => {
    for (const audience of [undefined, '', [], [''], ['ok', ''], [42], 42]) {
      refuses({ ...REMOTE, audience }, /"audience" is required/, JSON.stringify(audience) ?? 'undefined')
    }
  })

  test('algorithms: unknown, none, empty', () => {
    refuses({ ...REMOTE, algorithms: ['XS256'] }, /algorithm "XS256" is not supported/)
    refuses({ ...REMOTE, algorithms: ['none'] }, /algorithm "none" is not supported/)
    refuses({ ...REMOTE, algorithms: ['RS256', 'None'] }, /algorithm "None" is not supported/)
    refuses({ ...REMOTE, algorithms: ['rs256'] }, /not supported/)
    refuses({ ...REMOTE, algorithms: [] }, /must not be empty/)
  })

  test('HS* without a secret, and a secret with asymmetric algorithms', () => {
    refuses({ ...REMOTE, algorithms: ['HS256'] }, /HS\* algorithms need the "secret" option/)
    refuses({ ...REMOTE, algorithms: ['RS256', 'HS512'] }, /HS\* algorithms need the "secret" option/)
    refuses({ ...REMOTE, secret: TEST_SECRET, algorithms: ['RS256'] }, /may only list HS256/)
    refuses({ ...REMOTE, secret: TEST_SECRET, algorithms: ['HS256', 'RS256'] }, /may only list HS256/)
  })

  test('a secret shorter than 32 bytes, blank, or of the wrong type', () => {
    refuses({ ...REMOTE, secret: 'x'.repeat(31) }, /"secret" must be at least 32 bytes/)
    refuses({ ...REMOTE, secret: '' }, /"secret" must be at least 32 bytes/)
    refuses({ ...REMOTE, secret: new Uint8Array(16) }, /"secret" must be at least 32 bytes/)
    refuses({ ...REMOTE, secret: 12345 }, /"secret" must be at least 32 bytes/)
    assert.doesNotThrow(() => createVerifier({ ...REMOTE, secret: 'é'.repeat(16) }), '16 × 2 UTF-8 bytes = 32 bytes')
  })

  test('at most one of jwksUri, discoveryUrl, jwks, publicKey and secret', async () => {
    const { publicJwk } = await generateSigningKey()
    const jwks = { keys: [publicJwk] }
    const message = /at most one of "jwksUri", "discoveryUrl", "jwks", "publicKey", "secret"/
    refuses({ ...REMOTE, jwksUri: 'http://127.0.0.1:9/jwks', jwks }, message)
    refuses({ ...REMOTE, jwksUri: 'http://127.0.0.1:9/jwks', secret: TEST_SECRET }, message)
    refuses({ ...REMOTE, jwks, secret: TEST_SECRET }, message)
    refuses({ ...REMOTE, publicKey: publicJwk, jwks, algorithms: ['RS256'] }, message)
    refuses({ ...REMOTE, discoveryUrl: 'http://127.0.0.1:9/metadata', jwksUri: 'http://127.0.0.1:9/jwks' }, message)
  })

  test('jwksUri must be an absolute http(s) URL', () => {
    for (const jwksUri of ['file:///etc/passwd', 'ftp://127.0.0.1/jwks', '/jwks', 'javascript:alert(1)']) {
      refuses({ ...REMOTE, jwksUri }, /"jwksUri" must be an absolute http\(s\) URL/, jwksUri)
    }
  })

  test('negative, zero, infinite or non-numeric durations and limits', () => {
    const positive = ['cacheMaxAge', 'timeoutDuration', 'maxStaleDuration', 'retryDelay', 'maxResponseSize', 'maxKeys', 'maxTokenLength', 'maxTokenAge']
    for (const name of positive) {
      for (const value of [-1, 0, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
        refuses({ ...REMOTE, [name]: value }, new RegExp(`"${name}" must be a positive number`), `${name}: ${String(value)}`)
      }
    }
    for (const name of ['clockTolerance', 'cooldownDuration']) {
      for (const value of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        refuses({ ...REMOTE, [name]: value }, new RegExp(`"${name}" must be a non-negative number`), `${name}: ${String(value)}`)
      }
      assert.doesNotThrow(() => createVerifier({ ...REMOTE, [name]: 0 }), `${name}: 0 is allowed`)
    }
  })

  test('tokenCache.max must be a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN]) refuses({ ...REMOTE, tokenCache: { max } }, /"tokenCache.max" must be a positive integer/, String(max))
  })

  test('profile must be lenient or rfc9068', () => {
    refuses({ ...REMOTE, profile: 'strict' }, /"profile" must be "lenient" or "rfc9068"/)
    refuses({ ...REMOTE, profile: 'RFC9068' }, /"profile" must be/)
  })

  test('multi-issuer: an empty list, a duplicated issuer, a bad entry', () => {
    refuses({ issuers: [], audience: TEST_AUDIENCE }, /"issuers" must be a non-empty array or a function/)
    refuses({ issuers: [{ issuer: REMOTE.issuer }, { issuer: REMOTE.issuer }], allowInsecureHttp: true, audience: TEST_AUDIENCE }, /is listed twice/)
    refuses({ issuers: [{ issuer: REMOTE.issuer }], allowInsecureHttp: true }, /"audience" is required/)
    refuses({ issuers: [{ issuer: REMOTE.issuer, algorithms: ['none'] }], allowInsecureHttp: true, audience: TEST_AUDIENCE }, /not supported/)
  })
})

describe('defaults, visible in verifier.settings', () => {
  test('a single issuer', () => {
    const verifier = createVerifier(REMOTE)
    const settings = verifier.settings as SettledOptions
    assert.deepEqual(settings.issuers, [REMOTE.issuer])
    assert.equal(settings.issuer, REMOTE.issuer)
    assert.deepEqual(settings.audience, [TEST_AUDIENCE])
    assert.deepEqual(settings.algorithms, [...DEFAULT_ALGORITHMS])
    assert.ok(!settings.algorithms.some((alg) => alg.startsWith('HS') || alg.toLowerCase() === 'none'))
    assert.equal(settings.maxTokenLength, 8192)
    assert.deepEqual(settings.extract, { realm: undefined, resourceMetadata: undefined, allowBodyToken: false, allowQueryToken: false })
    assert.deepEqual(settings.challenge, { realm: undefined, resourceMetadata: undefined })
    assert.equal(settings.clockTolerance, 5)
    assert.equal(settings.maxTokenAge, undefined)
    assert.equal(settings.profile, 'lenient')
    assert.deepEqual(settings.scopeClaims, ['scope'])
    assert.deepEqual(settings.requiredClaims, ['exp'])
  })

  test('given options show up as settled', () => {
    const settings = createVerifier({
      ...REMOTE,
      audience: ['a', 'b'],
      algorithms: ['ES256'],
      realm: 'api',
      resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
      allowQueryToken: true,
      allowBodyToken: true,
      maxTokenLength: 100,
      clockTolerance: 0,
      maxTokenAge: '60s',
      profile: 'rfc9068',
      requiredClaims: ['tenant', 'sub'],
      scopeClaims: ['scp', 'roles'],
    }).settings as SettledOptions
    assert.deepEqual(settings.audience, ['a', 'b'])
    assert.deepEqual(settings.algorithms, ['ES256'])
    assert.deepEqual(settings.challenge, { realm: 'api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' })
    assert.equal(settings.extract.allowQueryToken, true)
    assert.equal(settings.extract.allowBodyToken, true)
    assert.equal(settings.extract.realm, 'api')
    assert.equal(settings.maxTokenLength, 100)
    assert.equal(settings.clockTolerance, 0)
    assert.equal(settings.maxTokenAge, 60)
    assert.equal(settings.profile, 'rfc9068')
    assert.deepEqual(new Set(settings.requiredClaims), new Set(['exp', 'tenant', 'sub', 'iss', 'aud', 'client_id', 'iat', 'jti']))
    assert.equal(settings.requiredClaims.length, 8, 'no duplicates')
    assert.deepEqual(settings.scopeClaims, ['scp', 'roles'])
  })

  test('with a secret, the only default algorithm is HS256', () => {
    assert.deepEqual(createVerifier({ ...REMOTE, secret: TEST_SECRET }).settings.algorithms, ['HS256'])
    assert.deepEqual(createVerifier({ ...REMOTE, secret: TEST_SECRET, algorithms: ['HS512'] }).settings.algorithms, ['HS512'])
  })

  test('settings are a read-only view: changing them cannot widen what the verifier accepts', async () => {
    const es = await generateSigningKey('ES256')
    const rsOnly = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [es.publicJwk] }, algorithms: ['RS256'] })
    const esAllowed = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [es.publicJwk] } })
    // refusing the change (a throw) is one correct outcome; the verifications below are what matter
    attempt(() => (rsOnly.settings.algorithms as string[]).push('ES256'))
    attempt(() => (esAllowed.settings.audience as string[]).push('https://other.example'))
    await expectRefusal(rsOnly.verify(await signToken(es)), 'algorithm_not_allowed')
    await expectRefusal(esAllowed.verify(await signToken(es, { aud: 'https://other.example' })), 'audience_mismatch')
  })

  test('an issuer given with jwks or secret need not be a URL', async () => {
    const { publicJwk } = await generateSigningKey()
    assert.deepEqual(createVerifier({ issuer: 'urn:issuer:x', audience: 'a', jwks: { keys: [publicJwk] } }).settings.issuers, ['urn:issuer:x'])
    assert.deepEqual(createVerifier({ issuer: 'urn:issuer:x', audience: 'a', secret: TEST_SECRET }).settings.issuers, ['urn:issuer:x'])
  })
})

function attempt(change: () => unknown): void {
  try {
    change()
  } catch {
    // a frozen settings object refuses the change
  }
}
