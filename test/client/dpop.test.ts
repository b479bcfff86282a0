/**
 * The client's DPoP and mTLS pieces on their own: the key's life (generate, export, import), cache keys that
 * keep tokens of different keys apart, the Bearer fallback when the server does not bind, and mtlsFetch's
 * refusal of plain http.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMemoryStore, createTokenClient, generateDPoPKey, importDPoPKey, mtlsFetch } from '@tokenguard/client'
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { startBoundAuthServer, type BoundAuthServer } from '../support/bound-auth-server.js'
import { startServer, sendJson } from '../support/http-server.js'
import { tlsMaterial } from '../support/tls.js'

describe('client DPoP key', () => {
  it('is generated once, exports as JWKs and imports with the same thumbprint', async () => {
    for (const alg of ['ES256', 'PS256', 'Ed25519'] as const) {
      const key = await generateDPoPKey(alg)
      const exported = await key.export()
      assert.equal(exported.privateJwk.d !== undefined, true)
      assert.equal(exported.publicJwk.d, undefined)
      assert.equal(await calculateJwkThumbprint(exported.publicJwk), key.thumbprint, alg)
      assert.equal((await importDPoPKey(exported)).thumbprint, key.thumbprint)
      assert.deepEqual(JSON.parse(JSON.stringify(key)), { alg, thumbprint: key.thumbprint }, 'JSON of the key never holds the private part')
    }
  })

  it('a non-extractable key cannot be exported; bad input is refused', async () => {
    const key = await generateDPoPKey('ES256', { extractable: false })
    await assert.rejects(key.export())
    await assert.rejects(generateDPoPKey('HS256' as never), /must be one of/)
    await assert.rejects(importDPoPKey({} as never), /importDPoPKey needs/)
    const exported = await (await generateDPoPKey()).export()
    await assert.rejects(importDPoPKey({ ...exported, privateJwk: exported.publicJwk }), /must be a private key/)
    assert.throws(() => createTokenClient({ tokenEndpoint: 'https://as.example/token', clientId: 'c', clientSecret: 's', dpop: 'yes' as never }), /"dpop" must be true or a key/)
  })
})

describe('client DPoP against oidc-provider', () => {
  let bound: BoundAuthServer
  let plain: AuthServer
  before(async () => {
    bound = await startBoundAuthServer({ tls: tlsMaterial() })
    plain = await startAuthServer()
  })
  after(async () => Promise.all([bound.close(), plain.close()]))

  it('two clients with different keys sharing a store never share a bound token', async () => {
    const store = createMemoryStore()
    const base = { tokenEndpoint: bound.tokenEndpoint, clientId: bound.dpopClient.id, clientSecret: bound.dpopClient.secret, allowInsecureHttp: true, store }
    const first = createTokenClient({ ...base, dpop: await generateDPoPKey() })
    const second = createTokenClient({ ...base, dpop: await generateDPoPKey() })
    const [a, b] = [await first.getToken(), await second.getToken()]
    assert.notEqual(a, b)
    assert.notDeepEqual(decodeJwt(a).cnf, decodeJwt(b).cnf)
    const sameKey = createTokenClient({ ...base, dpop: await importDPoPKey(await (await generateDPoPKey()).export()) })
    assert.notEqual(await sameKey.getToken(), a)
  })

  it('API calls carry Authorization: DPoP and a proof for the URL without its query', async () => {
    const seen: Array<{ authorization: string | undefined; dpop: string | undefined }> = []
    const api = await startServer((request, res) => {
      seen.push({ authorization: request.headers.authorization, dpop: request.headers.dpop as string | undefined })
      sendJson(res, 200, { ok: true })
    })
    try {
      // oidc-provider binds any token requested with a proof (its DPoP feature is on by default).
      const client = createTokenClient({ tokenEndpoint: plain.tokenEndpoint, clientId: plain.clients.readWrite.id, clientSecret: plain.clients.readWrite.secret, dpop: true, allowInsecureHttp: true, scope: 'read:data' })
      const token = await client.getTokenResponse()
      assert.equal(token.tokenType, 'DPoP')
      assert.equal((await client.fetch(`${api.url}/x?q=1`, { method: 'PUT', body: 'b' })).status, 200)
      assert.equal(seen[0]!.authorization, `DPoP ${token.accessToken}`)
      assert.equal(decodeProtectedHeader(seen[0]!.dpop!).typ, 'dpop+jwt')
      const proof = decodeJwt(seen[0]!.dpop!)
      assert.equal(proof.htu, `${api.url}/x`)
      assert.equal(proof.htm, 'PUT')
      assert.equal(typeof proof.ath, 'string')
    } finally {
      await api.close()
    }
  })

  it('a server that does not bind answers Bearer, and the client then sends Bearer without a proof', async () => {
    const seen: Array<{ authorization: string | undefined; dpop: string | undefined }> = []
    // A token endpoint without DPoP support: it ignores the proof and answers token_type Bearer (RFC 9449 §5).
    const server = await startServer((request, res) => {
      if (request.url === '/token') return sendJson(res, 200, { access_token: 'opaque-bearer-token', token_type: 'Bearer', expires_in: 300 })
      seen.push({ authorization: request.headers.authorization, dpop: request.headers.dpop as string | undefined })
      sendJson(res, 200, { ok: true })
    })
    try {
      const client = createTokenClient({ tokenEndpoint: `${server.url}/token`, clientId: 'c', clientSecret: 's', dpop: true, allowInsecureHttp: true })
      assert.equal((await client.fetch(`${server.url}/api`)).status, 200)
      assert.deepEqual(seen, [{ authorization: 'Bearer opaque-bearer-token', dpop: undefined }])
      assert.equal(server.requests[0]!.headers.dpop !== undefined, true, 'the token request did carry a proof')
    } finally {
      await server.close()
    }
  })
})

describe('mtlsFetch', () => {
  it('refuses plain http (a certificate needs TLS) and needs cert and key', async () => {
    const tls = tlsMaterial()
    const fetchWithCert = mtlsFetch({ cert: tls.clients.a.cert, key: tls.clients.a.key })
    await assert.rejects(fetchWithCert('http://127.0.0.1:1/token'), /not https/)
    assert.throws(() => mtlsFetch({ cert: tls.clients.a.cert } as never), /needs \{ cert, key \}/)
  })
})
