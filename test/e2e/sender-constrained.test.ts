/**
 * Sender-constrained tokens end to end with real parts only: oidc-provider issues DPoP-bound and
 * certificate-bound JWT access tokens by Client Credentials to `@tokenguard/client`, which calls APIs on
 * every adapter (over HTTP behind a "load balancer" at the API's public origin for DPoP, over HTTPS with
 * client certificates for mTLS); tokenguard verifies the token and its binding.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateDPoPKey, importDPoPKey, mtlsFetch, createTokenClient, type TokenClient } from '@tokenguard/client'
import { memoryReplayStore, type VerifierOptions } from '@tokenguard/core'
import { decodeJwt } from 'jose'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { startBoundAuthServer, type BoundAuthServer } from '../support/bound-auth-server.js'
import { API_ORIGIN } from '../support/dpop.js'
import { tlsMaterial } from '../support/tls.js'
import { TLS_ADAPTERS, tlsRequest } from '../support/tls-apps.js'

const tls = tlsMaterial()

/** The client reaches `API_ORIGIN` through a load balancer that forwards to `target()`; everything else goes direct. */
function throughBalancer(target: () => string, seen: Request[] = []): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init)
    if (!request.url.startsWith(API_ORIGIN)) return fetch(request)
    seen.push(request.clone())
    return fetch(new Request(target() + request.url.slice(API_ORIGIN.length), request))
  }
}

describe('DPoP-bound tokens from oidc-provider', () => {
  let as: BoundAuthServer
  let nonceAs: BoundAuthServer
  before(async () => {
    as = await startBoundAuthServer({ tls })
    nonceAs = await startBoundAuthServer({ tls, requireNonce: true })
  })
  after(async () => Promise.all([as.close(), nonceAs.close()]))

  const apiOptions = (server: BoundAuthServer, extra: Partial<VerifierOptions> = {}) => ({ issuer: server.issuer, audience: server.resource, origin: API_ORIGIN, allowInsecureHttp: true, ...extra }) as VerifierOptions

  test('the token is DPoP-bound to the client\'s key; a persisted key binds the same way after import', async () => {
    const key = await generateDPoPKey()
    const client = createTokenClient({ tokenEndpoint: as.tokenEndpoint, clientId: as.dpopClient.id, clientSecret: as.dpopClient.secret, dpop: key, allowInsecureHttp: true })
    const token = await client.getTokenResponse()
    assert.equal(token.tokenType, 'DPoP')
    assert.deepEqual(decodeJwt(token.accessToken).cnf, { jkt: key.thumbprint })
    const restored = await importDPoPKey(JSON.parse(JSON.stringify(await key.export())))
    assert.equal(restored.thumbprint, key.thumbprint)
    const again = createTokenClient({ tokenEndpoint: as.tokenEndpoint, clientId: as.dpopClient.id, clientSecret: as.dpopClient.secret, dpop: restored, allowInsecureHttp: true })
    assert.deepEqual(decodeJwt(await again.getToken()).cnf, { jkt: key.thumbprint })
  })

  test('the token endpoint\'s use_dpop_nonce is answered by one retry with its nonce', async () => {
    const client = createTokenClient({ tokenEndpoint: nonceAs.tokenEndpoint, clientId: nonceAs.dpopClient.id, clientSecret: nonceAs.dpopClient.secret, dpop: true, allowInsecureHttp: true })
    const before = nonceAs.tokenRequests()
    const token = await client.getTokenResponse()
    assert.equal(token.tokenType, 'DPoP')
    assert.equal(nonceAs.tokenRequests() - before, 2, 'one refused for the nonce, one with it')
    await client.getTokenResponse({ forceRefresh: true })
    assert.equal(nonceAs.tokenRequests() - before, 3, 'the remembered nonce is used at once')
  })

  for (const adapter of ADAPTERS) {
    describe(`calling an API on ${adapter.name}`, () => {
      const store = memoryReplayStore()
      let first: RunningApp
      let second: RunningApp
      let nonced: RunningApp
      let client: TokenClient
      let nonceClient: TokenClient
      const seen: Request[] = []
      before(async () => {
        first = await adapter.start(apiOptions(as, { dpop: { replayStore: store } }))
        second = await adapter.start(apiOptions(as, { dpop: { replayStore: store } }))
        nonced = await adapter.start(apiOptions(as, { dpop: { nonce: { secret: 'api-fleet-nonce-secret-0123456789abcdef' } } }))
        const base = { tokenEndpoint: as.tokenEndpoint, clientId: as.dpopClient.id, clientSecret: as.dpopClient.secret, allowInsecureHttp: true, scope: 'read:data write:data' }
        client = createTokenClient({ ...base, dpop: await generateDPoPKey('ES256'), fetch: throughBalancer(() => first.url, seen) })
        nonceClient = createTokenClient({ ...base, dpop: await generateDPoPKey('PS256'), fetch: throughBalancer(() => nonced.url) })
      })
      after(async () => Promise.all([first.close(), second.close(), nonced.close()]))

      test('GET and POST with a proof per request: 200', async () => {
        for (const method of ['GET', 'POST', 'GET']) {
          const response = await client.fetch(`${API_ORIGIN}/data?page=1`, { method })
          assert.equal(response.status, 200, await response.text())
        }
        assert.equal(first.refusals.length, 0)
      })

      test('a request captured on the way and replayed, to the same instance and to another: 401 replayed', async () => {
        await client.fetch(`${API_ORIGIN}/data`)
        const captured = seen.at(-1)!
        for (const instance of [first, second]) {
          const replay = await fetch(`${instance.url}/data`, { headers: captured.headers })
          assert.equal(replay.status, 401)
          assert.equal(instance.refusals.at(-1)?.reason, 'dpop_proof_replayed')
        }
      })

      test('the stolen token without the key: as Bearer, or with a proof by another key, 401', async () => {
        const token = await client.getToken()
        const asBearer = await fetch(`${first.url}/data`, { headers: { authorization: `Bearer ${token}` } })
        assert.equal(asBearer.status, 401)
        assert.equal(first.refusals.at(-1)?.reason, 'token_binding_unverified')
        const thief = createTokenClient({ tokenEndpoint: as.tokenEndpoint, clientId: as.dpopClient.id, clientSecret: as.dpopClient.secret, dpop: true, allowInsecureHttp: true })
        const thiefToken = await thief.getTokenResponse()
        // The thief's proofs are made for its own tokens; sending the stolen token with one of them:
        const proofRequest = new Request(`${API_ORIGIN}/data`)
        const seenByThief: Request[] = []
        const recording = createTokenClient({ tokenEndpoint: as.tokenEndpoint, clientId: as.dpopClient.id, clientSecret: as.dpopClient.secret, dpop: true, allowInsecureHttp: true, fetch: throughBalancer(() => first.url, seenByThief) })
        await recording.fetch(proofRequest)
        const forged = await fetch(`${first.url}/data`, { headers: { authorization: `DPoP ${token}`, dpop: seenByThief.at(-1)!.headers.get('dpop')! } })
        assert.equal(forged.status, 401)
        assert.ok(['dpop_token_mismatch', 'dpop_key_mismatch'].includes(first.refusals.at(-1)!.reason))
        assert.equal(thiefToken.tokenType, 'DPoP')
      })

      test('an API with nonces: the client retries once with the DPoP-Nonce it was given', async () => {
        const before = nonced.refusals.length
        const response = await nonceClient.fetch(`${API_ORIGIN}/data`)
        assert.equal(response.status, 200, await response.text())
        assert.deepEqual(nonced.refusals.slice(before).map((refusal) => refusal.reason), ['dpop_nonce_missing'])
        assert.equal((await nonceClient.fetch(`${API_ORIGIN}/data`)).status, 200)
        assert.equal(nonced.refusals.length - before, 1, 'the nonce is remembered')
      })
    })
  }
})

describe('certificate-bound tokens from oidc-provider (mTLS)', () => {
  let as: BoundAuthServer
  before(async () => {
    as = await startBoundAuthServer({ tls })
  })
  after(() => as.close())

  test('a token from the mTLS endpoint is bound to the client certificate', async () => {
    const client = createTokenClient({ tokenEndpoint: as.mtlsTokenEndpoint, clientId: as.mtlsClient.id, clientSecret: as.mtlsClient.secret, fetch: mtlsFetch({ cert: tls.clients.a.cert, key: tls.clients.a.key, ca: tls.ca }) })
    assert.deepEqual(decodeJwt(await client.getToken()).cnf, { 'x5t#S256': tls.clients.a.x5t })
  })

  test('without a certificate, the authorization server refuses to issue one', async () => {
    const client = createTokenClient({ tokenEndpoint: as.tokenEndpoint, clientId: as.mtlsClient.id, clientSecret: as.mtlsClient.secret, allowInsecureHttp: true, retry: false })
    await assert.rejects(client.getToken(), /invalid_grant/)
  })

  for (const adapter of TLS_ADAPTERS) {
    test(`${adapter.name}: the holder of the certificate gets 200, another certificate 401`, async () => {
      const app = await adapter.start({ issuer: as.issuer, audience: as.resource, allowInsecureHttp: true } as VerifierOptions, tls)
      try {
        const holder = mtlsFetch({ cert: tls.clients.a.cert, key: tls.clients.a.key, ca: tls.ca })
        const client = createTokenClient({ tokenEndpoint: as.mtlsTokenEndpoint, clientId: as.mtlsClient.id, clientSecret: as.mtlsClient.secret, fetch: holder, scope: 'read:data' })
        const response = await client.fetch(`${app.url}/data`)
        assert.equal(response.status, 200, await response.text())
        const stolen = await tlsRequest(`${app.url}/data`, tls, { identity: tls.clients.b, headers: { authorization: `Bearer ${await client.getToken()}` } })
        assert.equal(stolen.status, 401)
        assert.equal(app.refusals.at(-1)?.reason, 'certificate_mismatch')
      } finally {
        await app.close()
      }
    })
  }
})
