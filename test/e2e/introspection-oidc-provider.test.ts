/**
 * Opaque tokens end to end with a real authorization server: oidc-provider issues opaque client-credentials
 * tokens, tokenguard discovers its introspection endpoint and introspects them with each client
 * authentication method, verifies RFC 9701 signed answers with the server's keys, and refuses a revoked
 * token once its cache entry has expired (on a clock the test moves, not by waiting).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'
import { createVerifier, type IntrospectionOptions, type VerifierOptions } from '@tokenguard/core'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { expectRefusal } from '../support/refusal.js'

const RESOURCE = 'https://api.tokenguard.test'
const SECRET = 'api-secret-at-the-provider-0123456789'

let as: AuthServer
let privateKey: CryptoKey
let publicJwk: JWK

before(async () => {
  const pair = await generateKeyPair('ES256')
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'api-pkjwt-key', alg: 'ES256', use: 'sig' }
  const api = { grant_types: [], response_types: [], redirect_uris: [] }
  as = await startAuthServer({
    resource: RESOURCE,
    accessTokenFormat: 'opaque',
    apiClients: [
      { ...api, client_id: 'api-basic', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' },
      { ...api, client_id: 'api-post', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post' },
      { ...api, client_id: 'api-signed', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic', introspection_signed_response_alg: 'RS256' },
      { ...api, client_id: 'api-pkjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk as never] } },
    ],
  })
})
after(() => as.close())

function verifierFor(introspection: Partial<IntrospectionOptions> = {}, options: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: RESOURCE, ...options, introspection: { clientId: 'api-basic', clientSecret: SECRET, ...introspection } as IntrospectionOptions })
}

describe('opaque tokens from oidc-provider', () => {
  test('the provider issues opaque tokens (no JWT shape) for the resource', async () => {
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    assert.equal(token.includes('.'), false)
  })

  // Functions: the private key exists only once before() has run.
  const methods: Array<[string, () => Partial<IntrospectionOptions>]> = [
    ['client_secret_basic (the default), endpoint discovered', () => ({})],
    ['client_secret_post', () => ({ clientId: 'api-post', clientAuth: 'client_secret_post' })],
    ['private_key_jwt', () => ({ clientId: 'api-pkjwt', clientSecret: undefined, privateKey })],
    ['a signed answer (RFC 9701) verified with the provider\'s keys', () => ({ clientId: 'api-signed', jwtResponse: true })],
  ]
  for (const [name, introspection] of methods) {
    test(`accepted with ${name}: claims and scopes as for a JWT`, async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data write:data' })
      const before = as.introspectionRequestCount()
      const auth = await verifierFor(introspection()).verify(token, { scopes: ['write:data'] })
      assert.equal(as.introspectionRequestCount() - before, 1)
      assert.equal(auth.claims.client_id, 'read-write-client')
      assert.equal(auth.claims.iss, as.issuer)
      assert.equal(auth.claims.aud, RESOURCE)
      assert.deepEqual([...auth.scopes].sort(), ['read:data', 'write:data'])
    })
  }

  test('scopes are enforced on the answer: 403 naming the missing one', async () => {
    const token = await as.requestToken('readOnly', { scope: 'read:data' })
    await expectRefusal(verifierFor().verify(token, { scopes: ['write:data'] }), 'insufficient_scope', 403)
  })

  test('a token for another resource is refused on its aud', async () => {
    const other = createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: 'https://other-api.tokenguard.test', introspection: { clientId: 'api-basic', clientSecret: SECRET } })
    await expectRefusal(other.verify(await as.requestToken('readWrite', { scope: 'read:data' })), 'audience_mismatch', 401)
  })

  test("the provider refusing the API's credentials is a 503, not a 401", async () => {
    await expectRefusal(verifierFor({ clientSecret: 'wrong-secret-0123456789' }).verify(await as.requestToken('readWrite')), 'introspection_misconfigured', 503)
  })

  test('a made-up token is inactive', async () => {
    await expectRefusal(verifierFor().verify('madeUpOpaqueTokenThatTheProviderNeverIssued12'), 'token_inactive', 401)
  })

  test('a revoked token is accepted while its answer is cached, and refused once the entry expires', async () => {
    let now = Date.now()
    const verifier = verifierFor({ cacheMaxAge: '1m', cache: { now: () => now } }, { tokenCache: false })
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    const count = () => as.introspectionRequestCount()
    const first = count()
    await verifier.verify(token)
    await as.revoke(token)
    await verifier.verify(token) // the revocation delay: at most cacheMaxAge
    assert.equal(count() - first, 1)
    now += 60_001
    await expectRefusal(verifier.verify(token), 'token_inactive', 401)
    assert.equal(count() - first, 2)
    await expectRefusal(verifier.verify(token), 'token_inactive', 401)
    assert.equal(count() - first, 2, 'the inactive answer is remembered')
  })

  test('with the verified-token cache on, a revoked token is refused after cacheMaxAge 0 at once', async () => {
    const verifier = verifierFor({ cacheMaxAge: 0 })
    const token = await as.requestToken('readWrite', { scope: 'read:data' })
    await verifier.verify(token)
    await as.revoke(token)
    await expectRefusal(verifier.verify(token), 'token_inactive', 401)
  })
})

describe('opaque tokens that name no audience (no resource indicator)', () => {
  let bare: AuthServer
  before(async () => {
    bare = await startAuthServer({
      defaultResource: false,
      apiClients: [{ grant_types: [], response_types: [], redirect_uris: [], client_id: 'api-basic', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' }],
    })
  })
  after(() => bare.close())

  test('refused by default (requireAudience), accepted with requireAudience: false', async () => {
    const token = await bare.requestToken('readWrite', { scope: 'read:data' })
    assert.equal(token.includes('.'), false)
    const options = { issuer: bare.issuer, allowInsecureHttp: true, audience: RESOURCE }
    await expectRefusal(createVerifier({ ...options, introspection: { clientId: 'api-basic', clientSecret: SECRET } }).verify(token), 'claim_missing', 401)
    const auth = await createVerifier({ ...options, introspection: { clientId: 'api-basic', clientSecret: SECRET, requireAudience: false } }).verify(token)
    assert.equal(auth.claims.aud, undefined)
    assert.deepEqual([...auth.scopes], ['read:data'])
  })
})
