/**
 * Issue 11 case 7: https only, for issuers, configured and discovered key sets, and the metadata fetched —
 * plain http (loopback included) only with `allowInsecureHttp: true`, the client's name for the switch; an
 * https issuer's keys never over http. Issue 11 case 10: issuer identifiers as RFC 8414 §2 defines them:
 * https URLs without userinfo, query or fragment, as `issuer`, in `issuers` entries and in resolver answers.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createVerifier, isConfigurationError, isIssuerIdentifier, requireKeySetUrl } from '@tokenguard/core'
import { auth0, cognito, entraId, keycloak, okta } from '@tokenguard/core/presets'
import { startServer } from '../support/http-server.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE } from '../support/key-server.js'
import { signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

function refuses(create: () => unknown, option: string, message: RegExp): void {
  assert.throws(create, (error: unknown) => {
    assert.ok(isConfigurationError(error), `a ConfigurationError, got ${String(error)}`)
    assert.equal(error.option, option)
    assert.match(error.message, message)
    return true
  })
}

describe('issue 11 case 7: https only, unless allowInsecureHttp: true', () => {
  test('issue 11 case 7: a plain-http issuer is refused, loopback included, whatever NODE_ENV says', () => {
    for (const issuer of ['http://id.example.com/', 'http://127.0.0.1:9', 'http://localhost:8080/realms/x']) {
      refuses(() => createVerifier({ issuer, audience: TEST_AUDIENCE }), 'issuer', /"issuer" must use https \(set allowInsecureHttp: true only for local tests\)/)
    }
    assert.doesNotThrow(() => createVerifier({ issuer: 'http://127.0.0.1:9', audience: TEST_AUDIENCE, allowInsecureHttp: true }))
  })

  test('issue 11 case 7: an https issuer with an explicit http jwksUri is refused, even with the switch', () => {
    for (const allowInsecureHttp of [false, true]) {
      refuses(() => createVerifier({ issuer: 'https://id.example.com/', audience: TEST_AUDIENCE, jwksUri: 'http://id.example.com/jwks', allowInsecureHttp }), 'jwksUri',
        /"jwksUri" "http:\/\/id.example.com\/jwks" uses plain http while the issuer "https:\/\/id.example.com\/" uses https — an https issuer's keys must come over https/)
    }
  })

  test('issue 11 case 7: configured key set URLs: https, no credentials, no fragment', () => {
    const base = { issuer: 'https://id.example.com/', audience: TEST_AUDIENCE }
    refuses(() => createVerifier({ ...base, jwksUri: 'https://user:secret@id.example.com/jwks' }), 'jwksUri', /must not contain credentials \(user:password@\); got "https:\/\/…@id.example.com\/jwks"/)
    refuses(() => createVerifier({ ...base, jwksUri: 'https://id.example.com/jwks#x' }), 'jwksUri', /must not contain a fragment/)
    assert.doesNotThrow(() => createVerifier({ ...base, jwksUri: 'https://login.example.com/t/discovery/v2.0/keys?appid=abc' }), 'a query is fine (Entra ID ?appid=)')
    assert.equal(requireKeySetUrl('http://127.0.0.1:9/jwks', 'jwksUri', true), 'http://127.0.0.1:9/jwks')
    assert.throws(() => requireKeySetUrl('http://127.0.0.1:9/jwks', 'jwksUri', false), /"jwksUri" must use https; got "http:\/\/127.0.0.1:9\/jwks" \(set allowInsecureHttp: true only for local tests\)/)
  })

  test('issue 11 case 7: issuers entries and the multi-issuer switch', () => {
    refuses(() => createVerifier({ issuers: [{ issuer: 'https://a.example/' }, { issuer: 'http://b.example/' }], audience: TEST_AUDIENCE }), 'issuer', /"issuer" must use https/)
    assert.doesNotThrow(() => createVerifier({ issuers: [{ issuer: 'https://a.example/' }, { issuer: 'http://127.0.0.1:9' }], audience: TEST_AUDIENCE, allowInsecureHttp: true }))
  })

  test('issue 11 case 7: discovery: a jwks_uri that is not an https (or allowed http) URL is refused as a misconfiguration, and never fetched', async (t) => {
    const key = await generateSigningKey('ES256')
    const trap = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] })))
    t.after(() => trap.close())
    for (const jwksUri of ['ftp://127.0.0.1/jwks', `http://user:pw@${new URL(trap.url).host}/jwks`]) {
      const issuer = await startServer((req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: `http://${req.headers.host}`, jwks_uri: jwksUri })))
      t.after(() => issuer.close())
      const verifier = createVerifier({ issuer: issuer.url, audience: TEST_AUDIENCE, allowInsecureHttp: true })
      await assert.rejects(verifier.ready(), (error: unknown) => isConfigurationError(error) && /has no usable jwks_uri/.test(error.message))
    }
    assert.equal(trap.requests.length, 0, 'the key set was never requested')
  })

  test('issue 11 case 7: presets\' URL inputs are https unless allowInsecureHttp', () => {
    const TENANT = 'b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b'
    const insecure = [
      () => auth0({ domain: 'tenant.eu.auth0.com', audience: 'x', baseUrl: 'http://127.0.0.1:1' }),
      () => okta({ issuer: 'http://example.okta.com/oauth2/default', audience: 'api://default' }),
      () => keycloak({ baseUrl: 'http://sso.example.com', realm: 'acme', audience: 'x' }),
      () => cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC', clientId: 'c', baseUrl: 'http://127.0.0.1:1' }),
      () => entraId({ tenantId: TENANT, audience: 'x', version: 2, loginBaseUrl: 'http://127.0.0.1:1' }),
      () => entraId({ tenantId: TENANT, audience: 'x', version: 1, stsBaseUrl: 'http://127.0.0.1:1' }),
    ]
    for (const preset of insecure) assert.throws(preset, (error: unknown) => isConfigurationError(error) && /must use https/.test(error.message))
    const local = keycloak({ baseUrl: 'http://127.0.0.1:1', realm: 'acme', audience: 'x', allowInsecureHttp: true })
    assert.equal(local.allowInsecureHttp, true, 'the switch is passed on to the verifier')
    assert.doesNotThrow(() => createVerifier(local))
  })

  test('with the switch, an http issuer and its discovered http jwks_uri work end to end', async (t) => {
    const server = await startKeyServer()
    t.after(() => server.close())
    const verifier = createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true })
    await verifier.ready()
    await verifier.verify(await server.mint())
    assert.deepEqual([server.counts.discovery, server.counts.jwks], [1, 1])
  })
})

describe('issue 11 case 10: issuer identifiers as RFC 8414 §2 defines them', () => {
  const FORBIDDEN = [
    ['https://user:pass@id.example.com/', /must not contain userinfo \(user:password@\).*got "https:\/\/…@id.example.com\/"/],
    ['https://@id.example.com/', /must not contain userinfo/],
    ['https://id.example.com/?debug=true', /must not contain a query: an issuer identifier is an https URL without query or fragment \(RFC 8414 §2\)/],
    ['https://id.example.com/?', /must not contain a query/],
    ['https://id.example.com/#section', /must not contain a fragment/],
    ['https://id.example.com/#', /must not contain a fragment/],
    ['https://id.example.com/ ', /must not contain whitespace/],
    ['https:id.example.com', /must be an absolute http\(s\) URL/],
  ] as const

  test('issue 11 case 10: as issuer, with discovery and with local keys alike', async () => {
    const { publicJwk } = await generateSigningKey('ES256')
    for (const [issuer, message] of FORBIDDEN) {
      refuses(() => createVerifier({ issuer, audience: TEST_AUDIENCE }), 'issuer', message)
      refuses(() => createVerifier({ issuer, audience: TEST_AUDIENCE, jwks: { keys: [publicJwk] } }), 'issuer', message)
      assert.equal(isIssuerIdentifier(issuer, true), false, issuer)
    }
    assert.ok(isIssuerIdentifier('https://login.microsoftonline.com/t/v2.0', false))
  })

  test('issue 11 case 10: in issuers entries', () => {
    for (const [issuer, message] of FORBIDDEN) {
      refuses(() => createVerifier({ issuers: [{ issuer: 'https://a.example/' }, { issuer }], audience: TEST_AUDIENCE }), 'issuers[1].issuer', message)
    }
  })

  test('issue 11 case 10: as a token\'s iss with a resolver: not trusted (401), and the resolver is not even asked', async () => {
    const key = await generateSigningKey('ES256')
    const asked: string[] = []
    const resolve = (iss: string) => {
      asked.push(iss)
      return { issuer: iss, jwks: { keys: [key.publicJwk] } }
    }
    const verifier = createVerifier({ issuers: resolve, audience: TEST_AUDIENCE })
    for (const [issuer] of FORBIDDEN) {
      await expectRefusal(verifier.verify(await signToken(key, { iss: issuer })), 'issuer_not_trusted', 401)
    }
    assert.deepEqual(asked, [])
  })
})
