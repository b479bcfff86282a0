import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { createTokenClient, isInvalidTokenChallenge, type TokenClient } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { startServer, type TestServer } from '../support/http-server.js'

describe('client.fetch', () => {
  let as: AuthServer
  let api: TestServer
  /** Tokens the API treats as revoked. */
  const revoked = new Set<string>()
  /** How the API answers a revoked token. */
  let challenge = 'Bearer realm="api", error="invalid_token", error_description="token revoked"'
  let client: TokenClient

  before(async () => {
    as = await startAuthServer()
    api = await startServer((req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
      if (!token || revoked.has(token)) {
        res.writeHead(401, { 'www-authenticate': challenge })
        res.end('unauthorized')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ client: decodeJwt(token).client_id, method: req.method, body: req.body }))
    })
  })
  after(async () => {
    await api.close()
    await as.close()
  })
  beforeEach(() => {
    revoked.clear()
    challenge = 'Bearer realm="api", error="invalid_token", error_description="token revoked"'
    client = createTokenClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: as.clients.readWrite.id,
      clientSecret: as.clients.readWrite.secret,
      scope: 'read:data',
    })
  })

  it('attaches Authorization: Bearer and keeps the caller’s request', async () => {
    const res = await client.fetch(`${api.url}/things?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-custom': 'yes' },
      body: 'payload',
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { client: 'read-write-client', method: 'POST', body: 'payload' })
    const seen = api.requests.at(-1)!
    assert.equal(seen.url, '/things?x=1')
    assert.equal(seen.headers['x-custom'], 'yes')
    assert.equal(seen.headers.authorization, `Bearer ${await client.getToken()}`)
  })

  it('on 401 error="invalid_token": drops the cached token, gets a new one, retries once (body replayed)', async () => {
    const stale = await client.getToken()
    revoked.add(stale)
    const asBefore = as.tokenRequestCount()
    const apiBefore = api.requests.length
    const res = await client.fetch(new URL(`${api.url}/orders`), { method: 'PUT', body: 'order-42' })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { client: 'read-write-client', method: 'PUT', body: 'order-42' })
    const calls = api.requests.slice(apiBefore)
    assert.equal(calls.length, 2)
    assert.equal(calls[0]!.headers.authorization, `Bearer ${stale}`)
    assert.notEqual(calls[1]!.headers.authorization, `Bearer ${stale}`)
    assert.equal(calls[1]!.body, 'order-42')
    assert.equal(as.tokenRequestCount() - asBefore, 1)
    assert.notEqual(await client.getToken(), stale, 'the new token is cached')
  })

  it('retries only once: a second 401 is returned to the caller', async () => {
    await client.getToken()
    challenge = 'Bearer error="invalid_token"'
    const apiBefore = api.requests.length
    // Revoke every token: also the fresh one.
    const original = revoked.has.bind(revoked)
    revoked.has = () => true
    try {
      const res = await client.fetch(`${api.url}/x`)
      assert.equal(res.status, 401)
      assert.equal(api.requests.length - apiBefore, 2)
    } finally {
      revoked.has = original
    }
  })

  it('does not retry a 401 without error="invalid_token"', async () => {
    const token = await client.getToken()
    revoked.add(token)
    challenge = 'Bearer realm="api"'
    const apiBefore = api.requests.length
    const asBefore = as.tokenRequestCount()
    const res = await client.fetch(`${api.url}/x`)
    assert.equal(res.status, 401)
    assert.equal(api.requests.length - apiBefore, 1)
    assert.equal(as.tokenRequestCount() - asBefore, 0)
    assert.equal(await client.getToken(), token, 'cache kept')
  })

  it('does not retry on 403 insufficient_scope', async () => {
    const forbidding = await startServer((_req, res) => {
      res.writeHead(403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="write:data"' })
      res.end()
    })
    try {
      const res = await client.fetch(`${forbidding.url}/x`)
      assert.equal(res.status, 403)
      assert.equal(forbidding.requests.length, 1)
    } finally {
      await forbidding.close()
    }
  })

  it('concurrent 401s on the same stale token lead to one new token', async () => {
    const stale = await client.getToken()
    revoked.add(stale)
    const asBefore = as.tokenRequestCount()
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch(`${api.url}/x`)))
    assert.ok(responses.every((r) => r.status === 200))
    assert.equal(as.tokenRequestCount() - asBefore, 1)
  })

  it('recognises invalid_token challenges', () => {
    assert.equal(isInvalidTokenChallenge('Bearer error="invalid_token"'), true)
    assert.equal(isInvalidTokenChallenge('Bearer realm="x", error=invalid_token'), true)
    assert.equal(isInvalidTokenChallenge('DPoP algs="ES256", error="invalid_token"'), true)
    assert.equal(isInvalidTokenChallenge('Bearer error="insufficient_scope"'), false)
    assert.equal(isInvalidTokenChallenge('Basic realm="x"'), false)
    assert.equal(isInvalidTokenChallenge(null), false)
  })
})
