/**
 * Issue 11 case 3: misspelt or misplaced options, and options of the wrong type, are refused at startup
 * with a "did you mean …?" suggestion — verifier options, the multi-issuer top level, issuer entries and
 * resolver answers, tokenCache options, presets. Issue 10 item 4: every such mistake is one coded
 * TypeError subclass, ConfigurationError, naming the option.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as core from '@tokenguard/core'
import { assertKnownKeys, closestName, ConfigurationError, createVerifier, isConfigurationError, VERIFIER_OPTION_KEYS, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

const JWKS = { keys: [(await generateSigningKey('ES256')).publicJwk] }
const LOCAL = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: JWKS }

/** Asserts that `create` throws a ConfigurationError for `option` with exactly `message`. */
function refuses(create: () => unknown, option: string, message: string | RegExp): void {
  assert.throws(create, (error: unknown) => {
    assert.ok(error instanceof TypeError, `a TypeError, got ${String(error)}`)
    assert.equal((error as { code?: unknown }).code, 'ERR_TOKENGUARD_CONFIG', 'the configuration error code')
    assert.equal((error as { option?: unknown }).option, option, 'the option at fault')
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    return true
  })
}

describe('issue 11 case 3: unknown option keys are refused at startup, with a suggestion', () => {
  test('issue 11 case 3: clockTolerence (misspelt) in createVerifier options', () => {
    refuses(() => createVerifier({ ...LOCAL, clockTolerence: 5000 } as VerifierOptions), 'clockTolerence',
      'tokenguard: unknown option "clockTolerence" in createVerifier options (did you mean "clockTolerance"?)')
  })

  test('issue 11 case 3: other misspellings get the closest known name, or the list when nothing is close', () => {
    refuses(() => createVerifier({ ...LOCAL, jwks_uri: 'https://x.example/jwks' } as VerifierOptions), 'jwks_uri', /did you mean "jwksUri"\?/)
    refuses(() => createVerifier({ ...LOCAL, Audience: 'x' } as VerifierOptions), 'Audience', /did you mean "audience"\?/)
    refuses(() => createVerifier({ ...LOCAL, scopeClaim: ['scp'] } as VerifierOptions), 'scopeClaim', /did you mean "scopeClaims"\?/)
    refuses(() => createVerifier({ ...LOCAL, requireByDefault: false } as VerifierOptions), 'requireByDefault', /unknown option "requireByDefault" in createVerifier options \(known options: issuer, audience, /)
    refuses(() => createVerifier({ ...LOCAL, undefinedButThere: undefined } as VerifierOptions), 'undefinedButThere', /unknown option/)
  })

  test('issue 11 case 3: multi-issuer top level, entries and resolver answers', async () => {
    refuses(() => createVerifier({ issuers: [LOCAL], audience: TEST_AUDIENCE, maxIssuer: 3 } as never), 'maxIssuer', /unknown option "maxIssuer" in createVerifier options \(did you mean "maxIssuers"\?\)/)
    refuses(() => createVerifier({ issuers: [LOCAL], clockTolerence: 0 } as never), 'clockTolerence', /did you mean "clockTolerance"/)
    refuses(() => createVerifier({ issuers: [LOCAL, { ...LOCAL, issuer: 'https://b.example', profil: 'rfc9068' }] } as never), 'issuers[1].profil',
      'tokenguard: unknown option "profil" in issuers[1] (did you mean "profile"?)')
    refuses(() => createVerifier({ issuers: [{ ...LOCAL, realm: 'api' }] } as never), 'issuers[0].realm',
      'tokenguard: "realm" in issuers[0] belongs at the top level of the createVerifier options (it applies to every issuer)')
    refuses(() => createVerifier({ issuers: [{ ...LOCAL, tokenCache: false }] } as never), 'issuers[0].tokenCache', /belongs at the top level/)
    // a resolver's answer: the token is refused (fail closed, 503 as a misconfiguration), never verified with options half understood
    const key = await generateSigningKey('ES256')
    const verifier = createVerifier({ issuers: (iss) => (iss === LOCAL_ISSUER ? ({ ...LOCAL, jwks: { keys: [key.publicJwk] }, audiance: 'x' } as never) : undefined), audience: TEST_AUDIENCE })
    const refused = await expectRefusal(verifier.verify(await signToken(key)), 'keys_misconfigured', 503)
    // (details are sanitised for logs: no quotes)
    assert.match(refused.detail ?? '', /unknown option audiance in the issuer resolver's answer for https:\/\/issuer.tokenguard.test \(did you mean audience\?\)/)
    assert.ok(isConfigurationError(refused.cause))
  })

  test('issue 11 case 3: tokenCache options', () => {
    refuses(() => createVerifier({ ...LOCAL, tokenCache: { maxEntries: 10 } } as never), 'tokenCache.maxEntries', /unknown option "maxEntries" in the "tokenCache" option/)
    refuses(() => createVerifier({ ...LOCAL, tokenCache: { maxsize: 10 } } as never), 'tokenCache.maxsize', /did you mean "maxSize"\?/)
    refuses(() => createVerifier({ ...LOCAL, tokenCache: true } as never), 'tokenCache', /"tokenCache" must be false \(no cache\) or an object/)
    refuses(() => createVerifier({ issuers: (() => undefined) as never, audience: TEST_AUDIENCE, tokenCache: { mx: 1 } } as never), 'tokenCache.mx', /unknown option "mx"/)
  })

  test('issue 11 case 3: a resolver verifier validates its shared options at startup, not at the first token', () => {
    refuses(() => createVerifier({ issuers: () => undefined, audience: TEST_AUDIENCE, clockTolerance: '2h' }), 'clockTolerance', /at most 5 min/)
    refuses(() => createVerifier({ issuers: () => undefined, audience: TEST_AUDIENCE, scopeClaims: 'scp' as never }), 'scopeClaims', /must be an array/)
    refuses(() => createVerifier({ issuers: () => undefined, audience: TEST_AUDIENCE, maxIssuers: 0 }), 'maxIssuers', /"maxIssuers" must be a positive number/)
  })

  test('issue 11 case 3: presets refuse unknown keys', async () => {
    const { auth0, okta, keycloak } = await import('@tokenguard/core/presets')
    refuses(() => auth0({ domain: 'tenant.eu.auth0.com', audience: 'x', audiance: 'y' } as never), 'audiance', 'tokenguard: unknown option "audiance" in auth0() options (did you mean "audience"?)')
    refuses(() => okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default', scopeClaims: ['x'] } as never), 'scopeClaims', /unknown option "scopeClaims" in okta\(\) options/)
    refuses(() => keycloak({ baseUrl: 'https://sso.example.com', realms: 'acme', audience: 'x' } as never), 'realms', /did you mean "realm"\?/)
  })
})

describe('issue 11 case 3: options of the wrong type are refused with the fix', () => {
  test("issue 11 case 3: scopeClaims: 'scope' (a string) is refused, naming the list it should be", () => {
    refuses(() => createVerifier({ ...LOCAL, scopeClaims: 'scope' as never }), 'scopeClaims',
      'tokenguard: "scopeClaims" must be an array of claim names, not a string — write scopeClaims: ["scope"]')
    refuses(() => createVerifier({ ...LOCAL, scopeClaims: 'scp roles' as never }), 'scopeClaims', /write scopeClaims: \["scp","roles"\]/)
    refuses(() => createVerifier({ ...LOCAL, requiredClaims: 'tenant' as never }), 'requiredClaims', /must be an array of claim names, not a string/)
    refuses(() => createVerifier({ ...LOCAL, algorithms: 'ES256' as never }), 'algorithms', /write algorithms: \["ES256"\]/)
  })

  test('issue 11 case 3: booleans, functions, headers, key sets and limits of the wrong type', () => {
    refuses(() => createVerifier({ ...LOCAL, allowQueryToken: 'false' as never }), 'allowQueryToken', /"allowQueryToken" must be true or false; got the string "false"/)
    refuses(() => createVerifier({ ...LOCAL, honorCacheControl: 0 as never }), 'honorCacheControl', /must be true or false/)
    refuses(() => createVerifier({ ...LOCAL, allowInsecureHttp: 'yes' as never }), 'allowInsecureHttp', /must be true or false/)
    refuses(() => createVerifier({ ...LOCAL, onEvent: 'console.log' as never }), 'onEvent', /"onEvent" must be a function/)
    refuses(() => createVerifier({ ...LOCAL, fetchHeaders: { 'user-agent': 1 } as never }), 'fetchHeaders', /header names to string values/)
    refuses(() => createVerifier({ ...LOCAL, jwks: [JWKS.keys[0]] as never }), 'jwks', /"jwks" must be a JWK Set: an object with a "keys" array/)
    refuses(() => createVerifier({ ...LOCAL, maxKeys: 1.5 }), 'maxKeys', /"maxKeys" must be a positive number: a whole number of keys/)
    refuses(() => createVerifier({ ...LOCAL, maxTokenLength: 10_000_000 }), 'maxTokenLength', /at most 1048576 characters/)
    refuses(() => createVerifier({ ...LOCAL, audience: 42 as never }), 'audience', /"audience" is required/)
  })
})

describe('issue 10 item 4: configuration mistakes are one coded TypeError subclass naming the option', () => {
  test('ConfigurationError: a TypeError with code ERR_TOKENGUARD_CONFIG and the option path, exported by core', () => {
    let caught: unknown
    try {
      createVerifier({ ...LOCAL, profile: 'strict' as never })
    } catch (error) {
      caught = error
    }
    assert.ok(caught instanceof ConfigurationError)
    assert.ok(caught instanceof TypeError)
    assert.equal(caught.name, 'ConfigurationError')
    assert.equal(caught.code, 'ERR_TOKENGUARD_CONFIG')
    assert.equal(caught.option, 'profile')
    assert.ok(isConfigurationError(caught))
    assert.ok(!isConfigurationError(new TypeError('other')))
    assert.equal(core.CONFIGURATION_ERROR_CODE, 'ERR_TOKENGUARD_CONFIG')
  })

  test('option errors that were plain TypeErrors are ConfigurationErrors now', () => {
    for (const options of [
      { ...LOCAL, algorithms: ['none'] },
      { ...LOCAL, audience: [] },
      { ...LOCAL, jwks: undefined, secret: 'short' },
      { ...LOCAL, realm: 42 },
      { issuer: '', audience: TEST_AUDIENCE },
    ]) {
      assert.throws(() => createVerifier(options as never), (error: unknown) => isConfigurationError(error), JSON.stringify(options).slice(0, 80))
    }
  })
})

describe('assertKnownKeys, for adapters', () => {
  test('its signature and message format', () => {
    refuses(() => assertKnownKeys({ requireByDefualt: false }, ['requireByDefault', 'warmup'], 'tokenguard plugin options'), 'requireByDefualt',
      'tokenguard: unknown option "requireByDefualt" in tokenguard plugin options (did you mean "requireByDefault"?)')
    refuses(() => assertKnownKeys({ scope: ['x'] }, ['scopes', 'anyScopes'], 'route requirement', 'config.auth'), 'config.auth.scope', /did you mean "scopes"\?/)
    refuses(() => assertKnownKeys('x', ['a'], 'authenticate options'), '', 'tokenguard: authenticate options must be an object, got string')
    assert.doesNotThrow(() => assertKnownKeys({ issuer: 'x' }, VERIFIER_OPTION_KEYS, 'x'))
  })

  test('closestName: small edits, case and separators ignored, nothing for unrelated names', () => {
    assert.equal(closestName('clockTolerence', VERIFIER_OPTION_KEYS), 'clockTolerance')
    assert.equal(closestName('CLOCK_TOLERANCE', VERIFIER_OPTION_KEYS), 'clockTolerance')
    assert.equal(closestName('isuser', VERIFIER_OPTION_KEYS), 'issuer')
    assert.equal(closestName('foo', VERIFIER_OPTION_KEYS), undefined)
    assert.equal(closestName('banana', VERIFIER_OPTION_KEYS), undefined)
  })

  test('a remote verifier with an unknown key is refused before anything is fetched', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    assert.throws(() => createVerifier({ issuer: server.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, cacheMaxAg: 1000 } as never), isConfigurationError)
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [0, 0])
  })
})
