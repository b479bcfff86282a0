import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { AuthServerTokenError, startAuthServer, type AuthServer } from './support/auth-server.js'

describe('auth-server fixture (oidc-provider)', () => {
  let as: AuthServer

  before(async () => {
    as = await startAuthServer({ accessTokenTTL: 120 })
  })
  after(async () => {
    await as.close()
  })

  it('serves discovery with issuer exactly http://127.0.0.1:PORT', async () => {
    assert.match(as.issuer, /^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${as.issuer}/.well-known/openid-configuration`)
    assert.equal(res.status, 200)
    const meta = (await res.json()) as Record<string, unknown>
    assert.equal(meta.issuer, as.issuer)
    assert.equal(meta.token_endpoint, as.tokenEndpoint)
    assert.equal(meta.jwks_uri, as.jwksUri)
    assert.ok((meta.grant_types_supported as string[]).includes('client_credentials'))
    const jwks = (await (await fetch(as.jwksUri)).json()) as { keys: Array<Record<string, unknown>> }
    assert.equal(jwks.keys.length, 1)
    assert.equal(jwks.keys[0]?.d, undefined, 'JWKS must not expose private key material')
  })

  it('issues RFC 9068 JWT access tokens for the read-write client (client_secret_basic)', async () => {
    const token = await as.requestToken('readWrite', { scope: 'read:data write:data' })
    const header = decodeProtectedHeader(token)
    assert.equal(header.typ, 'at+jwt')
    assert.equal(header.alg, 'RS256')
    assert.equal(typeof header.kid, 'string')
    const payload = decodeJwt(token)
    assert.equal(payload.iss, as.issuer)
    assert.equal(payload.aud, as.resource)
    assert.equal(payload.client_id, 'read-write-client')
    assert.equal(payload.sub, 'read-write-client')
    assert.equal(payload.scope, 'read:data write:data')
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 120)
  })

  it('issues tokens for the read-only client (client_secret_post)', async () => {
    const token = await as.requestToken('readOnly', { scope: 'read:data' })
    const payload = decodeJwt(token)
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt')
    assert.equal(payload.client_id, 'read-only-client')
    assert.equal(payload.aud, as.resource)
    assert.equal(payload.scope, 'read:data')
    assert.equal(payload.iss, as.issuer)
  })

  it('rejects scopes beyond the client allowance with invalid_scope', async () => {
    await assert.rejects(as.requestToken('readOnly', { scope: 'read:data write:data' }), (err) => {
      assert.ok(err instanceof AuthServerTokenError)
      assert.equal(err.error, 'invalid_scope')
      assert.equal(err.status, 400)
      return true
    })
  })

  it('rejects unknown resource indicators with invalid_target', async () => {
    await assert.rejects(as.requestToken('readWrite', { resource: 'https://other.example' }), (err) => {
      assert.ok(err instanceof AuthServerTokenError)
      assert.equal(err.error, 'invalid_target')
      return true
    })
  })

  it('counts requests reaching the token endpoint', async () => {
    const before = as.tokenRequestCount()
    await as.requestToken('readOnly')
    assert.equal(as.tokenRequestCount(), before + 1)
  })

  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    it(`signs with ${alg} when asked`, async () => {
      const other = await startAuthServer({ alg })
      try {
        const token = await other.requestToken('readWrite', { scope: 'read:data' })
        assert.equal(decodeProtectedHeader(token).alg, alg)
        assert.equal(decodeJwt(token).iss, other.issuer)
      } finally {
        await other.close()
      }
    })
  }
})
