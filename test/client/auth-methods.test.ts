import assert from 'node:assert/strict'
import { createPrivateKey } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose'
import { createTokenClient, TokenRequestError } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { forward, startServer, type TestServer } from '../support/http-server.js'

describe('client authentication methods against oidc-provider', () => {
  let as: AuthServer
  let ecJwk: JWK
  let rsaPem: string
  let recorder: TestServer

  before(async () => {
    const ec = await generateKeyPair('ES256', { extractable: true })
    const rsa = await generateKeyPair('RS256', { extractable: true })
    ecJwk = { ...(await exportJWK(ec.privateKey)), kid: 'ec-key-1', alg: 'ES256' }
    rsaPem = await exportPKCS8(rsa.privateKey)
    const { d: _d, ...ecPublic } = ecJwk
    as = await startAuthServer({
      extraClients: [
        {
          client_id: 'jwt-client',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          scope: 'read:data write:data',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [ecPublic as never, { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-key-1', alg: 'RS256' } as never] },
        },
      ],
    })
    // Records what the client sends, then lets the real AS answer.
    recorder = await startServer((req, res) => forward(req, res, as.tokenEndpoint))
  })
  after(async () => {
    await recorder.close()
    await as.close()
  })

  it('client_secret_basic form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    const client = createTokenClient({
      tokenEndpoint: `${recorder.url}/token`,
      clientId: as.clients.readWrite.id,
      clientSecret: as.clients.readWrite.secret, // contains / + = & % :
      auth: 'client_secret_basic',
      scope: 'read:data write:data',
    })
    const token = await client.getToken()
    const sent = recorder.requests.at(-1)!
    const basic = Buffer.from(String(sent.headers.authorization).replace(/^Basic /, ''), 'base64').toString()
    assert.equal(basic, 'read-write-client:rw-secret-with-special%2Fchars%2B%3D%26%25%3A')
    assert.ok(!sent.body.includes('client_secret'))
    assert.equal(new URLSearchParams(sent.body).get('grant_type'), 'client_credentials')
    const claims = decodeJwt(token)
    assert.equal(claims.client_id, 'read-write-client')
    assert.equal(claims.scope, 'read:data write:data')
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt')
  })

  it('client_secret_post sends the credentials in the form body', async () => {
    const client = createTokenClient({
      tokenEndpoint: `${recorder.url}/token`,
      clientId: as.clients.readOnly.id,
      clientSecret: as.clients.readOnly.secret,
      auth: 'client_secret_post',
      scope: 'read:data',
    })
    const token = await client.getToken()
    const sent = recorder.requests.at(-1)!
    assert.equal(sent.headers.authorization, undefined)
    const form = new URLSearchParams(sent.body)
    assert.equal(form.get('client_id'), 'read-only-client')
    assert.equal(form.get('client_secret'), as.clients.readOnly.secret)
    assert.equal(decodeJwt(token).client_id, 'read-only-client')
  })

  it('private_key_jwt signs an RFC 7523 assertion (ES256 JWK with kid)', async () => {
    const client = createTokenClient({
      // Through the recorder, so the assertion must name the real AS: its issuer.
      tokenEndpoint: `${recorder.url}/token`,
      issuer: as.issuer,
      assertionAudience: 'issuer',
      clientId: 'jwt-client',
      privateKey: ecJwk,
      scope: 'write:data',
    })
    const token = await client.getToken()
    assert.equal(decodeJwt(token).client_id, 'jwt-client')
    assert.equal(decodeJwt(token).scope, 'write:data')
    const form = new URLSearchParams(recorder.requests.at(-1)!.body)
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    const assertion = form.get('client_assertion')!
    const header = decodeProtectedHeader(assertion)
    assert.equal(header.alg, 'ES256')
    assert.equal(header.kid, 'ec-key-1')
    const claims = decodeJwt(assertion)
    assert.equal(claims.iss, 'jwt-client')
    assert.equal(claims.sub, 'jwt-client')
    assert.equal(claims.aud, as.issuer)
    assert.equal(typeof claims.jti, 'string')
    assert.ok(claims.exp! - claims.iat! <= 60)
  })

  it('private_key_jwt with a PEM key and keyId; assertion audience defaults to the token endpoint', async () => {
    const sentBodies: string[] = []
    const client = createTokenClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: 'jwt-client',
      privateKey: rsaPem,
      keyId: 'rsa-key-1',
      auth: 'private_key_jwt',
      // Observe the real request on its way out (the real fetch still sends it).
      fetch: (input, init) => {
        sentBodies.push(String(init?.body))
        return fetch(input, init)
      },
    })
    const response = await client.getTokenResponse({ forceRefresh: true })
    assert.equal(decodeJwt(response.accessToken).client_id, 'jwt-client')
    assert.equal(response.tokenType, 'Bearer')
    const assertion = new URLSearchParams(sentBodies[0]).get('client_assertion')!
    assert.equal(decodeProtectedHeader(assertion).alg, 'RS256')
    assert.equal(decodeProtectedHeader(assertion).kid, 'rsa-key-1')
    assert.equal(decodeJwt(assertion).aud, as.tokenEndpoint)
  })

  it('private_key_jwt uses a fresh jti on every request (the AS rejects replays)', async () => {
    const client = createTokenClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: 'jwt-client',
      privateKey: createPrivateKey({ key: ecJwk as never, format: 'jwk' }),
      keyId: 'ec-key-1',
    })
    const first = await client.getToken({ forceRefresh: true })
    const second = await client.getToken({ forceRefresh: true })
    assert.notEqual(first, second)
  })

  it('private_key_jwt with an unregistered key fails with invalid_client', async () => {
    const stranger = await generateKeyPair('ES256', { extractable: true })
    const client = createTokenClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: 'jwt-client',
      privateKey: stranger.privateKey,
      keyId: 'ec-key-1',
      retry: false,
    })
    await assert.rejects(client.getToken(), (err: unknown) => {
      assert.ok(err instanceof TokenRequestError)
      assert.equal(err.code, 'invalid_client')
      assert.equal(err.status, 401)
      return true
    })
  })

  it('discovers the token endpoint from the issuer (OIDC discovery)', async () => {
    const client = createTokenClient({
      issuer: as.issuer,
      clientId: as.clients.readOnly.id,
      clientSecret: as.clients.readOnly.secret,
      auth: 'client_secret_post',
      scope: 'read:data',
    })
    const token = await client.getToken()
    assert.equal(decodeJwt(token).iss, as.issuer)
  })

  it('falls back to RFC 8414 metadata when OIDC discovery is absent', async () => {
    let issuer = ''
    const metadataServer = await startServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server/tenant') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ issuer, token_endpoint: as.tokenEndpoint }))
        return
      }
      res.writeHead(404).end()
    })
    try {
      issuer = `${metadataServer.url}/tenant`
      const client = createTokenClient({
        issuer,
        clientId: as.clients.readOnly.id,
        clientSecret: as.clients.readOnly.secret,
        auth: 'client_secret_post',
      })
      const token = await client.getToken()
      assert.equal(decodeJwt(token).client_id, 'read-only-client')
      assert.deepEqual(
        metadataServer.requests.map((r) => r.url),
        ['/tenant/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenant'],
      )
    } finally {
      await metadataServer.close()
    }
  })

  it('rejects metadata whose issuer differs from the configured one', async () => {
    const metadataServer = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer: as.issuer, token_endpoint: as.tokenEndpoint }))
    })
    try {
      const client = createTokenClient({
        issuer: metadataServer.url,
        clientId: as.clients.readOnly.id,
        clientSecret: as.clients.readOnly.secret,
      })
      await assert.rejects(client.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenRequestError)
        assert.equal(err.code, 'discovery_error')
        assert.match(err.hint, /issuer/)
        return true
      })
      // Also the trailing-slash variant of the real issuer must not match.
      const slashed = createTokenClient({
        issuer: `${as.issuer}/`,
        clientId: as.clients.readOnly.id,
        clientSecret: as.clients.readOnly.secret,
      })
      await assert.rejects(slashed.getToken(), { code: 'discovery_error' })
    } finally {
      await metadataServer.close()
    }
  })
})
