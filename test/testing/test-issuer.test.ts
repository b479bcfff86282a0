/**
 * @tokenguard/testing's issuer, checked the way users will use it: over real HTTP, with core's verifier
 * on the other side. Slowness and hanging are observed with the issuer's gate (held responses, request
 * counts), never by waiting on a clock.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type Verifier } from '@tokenguard/core'
import { createTestIssuer, SIGNING_ALGORITHMS, type TestIssuer } from '@tokenguard/testing'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { expectRefusal } from '../support/refusal.js'

const getJson = async (url: string) => {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('discovery and the JWK Set', () => {
  let issuer: TestIssuer
  before(async () => {
    issuer = await createTestIssuer({ path: '/tenants/acme', metadata: { token_endpoint: 'http://127.0.0.1:1/token' } })
  })
  after(() => issuer.stop())

  test('the issuer is the origin followed by the path, on 127.0.0.1', () => {
    assert.match(issuer.origin, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(issuer.issuer, `${issuer.origin}/tenants/acme`)
    assert.equal(issuer.jwksUri, `${issuer.origin}/tenants/acme/.well-known/jwks.json`)
    assert.equal(issuer.discoveryUrl, `${issuer.issuer}/.well-known/openid-configuration`)
  })

  test('both well-known locations (OIDC and RFC 8414) serve the same metadata, with extra members', async () => {
    const oidc = await getJson(`${issuer.issuer}/.well-known/openid-configuration`)
    const rfc8414 = await getJson(`${issuer.origin}/.well-known/oauth-authorization-server/tenants/acme`)
    for (const { status, body } of [oidc, rfc8414]) {
      assert.equal(status, 200)
      assert.equal(body.issuer, issuer.issuer)
      assert.equal(body.jwks_uri, issuer.jwksUri)
      assert.equal(body.token_endpoint, 'http://127.0.0.1:1/token')
    }
    assert.equal(issuer.requests.openidConfiguration, 1)
    assert.equal(issuer.requests.oauthAuthorizationServer, 1)
  })

  test('the JWK Set lists the public keys only, each with kid, alg and use', async () => {
    const { status, body } = await getJson(issuer.jwksUri)
    assert.equal(status, 200)
    const keys = body.keys as Array<Record<string, unknown>>
    assert.deepEqual(keys.map((key) => key.kid), issuer.keys.map((key) => key.kid))
    assert.deepEqual(keys.map((key) => [key.kty, key.alg, key.use]), [['RSA', 'RS256', 'sig']])
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.ok(!(privateMember in keys[0]!), `no "${privateMember}" published`)
  })

  test('other paths are 404 and counted as "other"; only GET and HEAD are served', async () => {
    const before = issuer.requests.other
    assert.equal((await fetch(`${issuer.origin}/.well-known/openid-configuration`)).status, 404)
    assert.equal(issuer.requests.other, before + 1)
    assert.equal((await fetch(issuer.jwksUri, { method: 'POST' })).status, 405)
  })

  test('a verifier discovers the keys and verifies a minted token', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience })
    const auth = await verifier.verify(await issuer.sign({}, { scope: 'read:data write:data' }))
    assert.deepEqual([...auth.scopes].sort(), ['read:data', 'write:data'])
    assert.equal(auth.claims.iss, issuer.issuer)
  })
})

describe('sign()', () => {
  let issuer: TestIssuer
  let verifier: Verifier
  before(async () => {
    issuer = await createTestIssuer({ algorithms: [...SIGNING_ALGORITHMS], audience: 'https://orders.example.test', clientId: 'billing' })
    verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: 'https://orders.example.test', profile: 'rfc9068' })
  })
  after(() => issuer.stop())

  for (const alg of SIGNING_ALGORITHMS) {
    test(`${alg}: signed with the published key of that algorithm and verified (RFC 9068 profile)`, async () => {
      const token = await issuer.sign({}, { alg })
      const header = decodeProtectedHeader(token)
      assert.equal(header.alg, alg)
      assert.equal(header.kid, issuer.keys.find((key) => key.alg === alg && key.current)!.kid)
      assert.equal((await verifier.verify(token)).claims.client_id, 'billing')
    })
  }

  test('defaults: the RFC 9068 claims, lifetime 5 minutes, a fresh jti each time, typ at+jwt', async () => {
    const [first, second] = [await issuer.sign(), await issuer.sign()]
    const claims = decodeJwt(first)
    assert.deepEqual(Object.keys(claims).sort(), ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'sub'])
    assert.equal(claims.exp! - claims.iat!, 300)
    assert.equal(claims.aud, 'https://orders.example.test')
    assert.notEqual(claims.jti, decodeJwt(second).jti)
    assert.equal(decodeProtectedHeader(first).typ, 'at+jwt')
  })

  test('claims win over the shape; audience, scope, clientId, expiresIn, kid, typ, header and omit shape the rest', async () => {
    const token = await issuer.sign(
      { sub: 'someone', extra: true },
      { audience: ['a', 'b'], scope: ['x', 'y'], clientId: 'other', expiresIn: 60, kid: null, typ: null, header: { cty: 'demo' }, omit: ['jti'] },
    )
    const claims = decodeJwt(token)
    assert.deepEqual(claims.aud, ['a', 'b'])
    assert.equal(claims.scope, 'x y')
    assert.equal(claims.client_id, 'other')
    assert.equal(claims.sub, 'someone')
    assert.equal(claims.extra, true)
    assert.equal(claims.exp! - claims.iat!, 60)
    assert.ok(!('jti' in claims))
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', cty: 'demo' })
    assert.ok(!('aud' in decodeJwt(await issuer.sign({}, { audience: null }))))
  })

  test('each switch is refused by the verifier for its own reason', async () => {
    await expectRefusal(verifier.verify(await issuer.sign({}, { expired: true })), 'token_expired', 401)
    await expectRefusal(verifier.verify(await issuer.sign({}, { notYetValid: true })), 'token_not_yet_valid', 401)
    await expectRefusal(verifier.verify(await issuer.sign({}, { unknownKey: true, alg: 'ES256' })), 'key_not_found', 401)
    await expectRefusal(verifier.verify(await issuer.sign({}, { wrongType: true })), 'token_type_not_allowed', 401)
    await expectRefusal(verifier.verify(await issuer.sign({}, { audience: 'https://elsewhere.test' })), 'audience_mismatch', 401)
    // an unknown key presenting a published kid: the signature, not the key lookup, fails
    const published = issuer.keys.find((key) => key.alg === 'EdDSA')!.kid
    await expectRefusal(verifier.verify(await issuer.sign({}, { alg: 'EdDSA', unknownKey: true, kid: published })), 'signature_invalid', 401)
  })

  test('the unknown key is the same one on every call (stable for cache tests) and never published', async () => {
    const kids = [await issuer.sign({}, { unknownKey: true }), await issuer.sign({}, { unknownKey: true })].map((token) => decodeProtectedHeader(token).kid)
    assert.equal(kids[0], kids[1])
    assert.ok(!issuer.keys.some((key) => key.kid === kids[0]))
  })

  test('wrong options are TypeErrors that name the fix', async () => {
    const rsaOnly = await createTestIssuer()
    try {
      await assert.rejects(rsaOnly.sign({}, { alg: 'ES256' }), /createTestIssuer\(\{ algorithms: \['RS256', 'ES256'\] \}\)/)
      await assert.rejects(rsaOnly.sign({}, { expierd: true } as never), /has no option "expierd"/)
      await assert.rejects(rsaOnly.sign({}, { typ: 'JWT', wrongType: true }), /"typ" or "wrongType"/)
      await assert.rejects(rsaOnly.sign({}, { key: 'nope' }), /not a key of this issuer/)
      await assert.rejects(rsaOnly.sign({}, { expiresIn: -1 }), /positive number of seconds/)
      await assert.rejects(rsaOnly.sign.okta({}, { realm: 'x' } as never), /sign\.okta\(\) has no option "realm"/)
    } finally {
      await rsaOnly.stop()
    }
    await assert.rejects(createTestIssuer({ algorithm: 'RS256' } as never), /createTestIssuer\(\) has no option "algorithm"/)
    await assert.rejects(createTestIssuer({ algorithms: ['HS256'] as never }), /"algorithms" must be/)
    await assert.rejects(createTestIssuer({ path: 'realms/x' }), /"path" must be a path starting with "\/"/)
    await assert.rejects(createTestIssuer({ metadata: { issuer: 'x' } }), /cannot set "issuer"/)
    await assert.rejects(createTestIssuer({ jwksPath: '/.well-known/openid-configuration' }), /must differ/)
  })
})

describe('rotate()', () => {
  let issuer: TestIssuer
  before(async () => {
    issuer = await createTestIssuer()
  })
  after(() => issuer.stop())

  test('a new key becomes current; a verifier refetches once for its kid; old tokens keep verifying', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience })
    const old = issuer.keys[0]!
    const beforeRotation = await issuer.sign()
    await verifier.verify(beforeRotation)
    const fetches = issuer.requests.jwks

    const next = await issuer.rotate()
    assert.notEqual(next.kid, old.kid)
    assert.deepEqual(issuer.keys.map((key) => [key.kid, key.current, key.published]), [[old.kid, false, true], [next.kid, true, true]])
    const afterRotation = await issuer.sign()
    assert.equal(decodeProtectedHeader(afterRotation).kid, next.kid)
    await verifier.verify(afterRotation)
    assert.equal(issuer.requests.jwks, fetches + 1, 'one refetch for the new kid')
    await verifier.verify(beforeRotation)
    assert.equal(issuer.requests.jwks, fetches + 1, 'the old key is still in the set')
  })

  test('rotate({ drop: true }) unpublishes the previous keys: their tokens are refused', async () => {
    const previous = issuer.keys.filter((key) => key.published).map((key) => key.kid)
    const next = await issuer.rotate({ drop: true })
    assert.deepEqual(issuer.keys.filter((key) => key.published).map((key) => key.kid), [next.kid])
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience })
    await verifier.verify(await issuer.sign())
    await expectRefusal(verifier.verify(await issuer.sign({}, { key: previous[0]! })), 'key_not_found', 401)
  })

  test('rotate() refuses an algorithm the issuer does not have', async () => {
    await assert.rejects(issuer.rotate({ alg: 'ES256' }), /one of this issuer's algorithms \(RS256\)/)
  })
})

describe('outage(), slow(), restore()', () => {
  let issuer: TestIssuer
  before(async () => {
    issuer = await createTestIssuer()
  })
  after(() => issuer.stop())

  // A fresh verifier each time: nothing cached, so the outage decides. retryDelay is irrelevant then.
  const freshVerifier = (timeoutDuration: number | `${number}ms` = 5_000) => createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience, timeoutDuration })

  for (const mode of ['503', 'refuse', 'hang'] as const) {
    test(`outage('${mode}'): the verifier answers 503 keys_unavailable, not 401; restore() brings it back`, async () => {
      const token = await issuer.sign()
      await issuer.outage(mode)
      try {
        // 'hang' is ended by the verifier's own budget; the test waits for that, not for a clock of its own.
        await expectRefusal(freshVerifier(mode === 'hang' ? '300ms' : 5_000).verify(token), 'keys_unavailable', 503)
      } finally {
        await issuer.restore()
      }
      assert.equal(issuer.held, 0)
      await freshVerifier().verify(token)
    })
  }

  test("outage('503') answers 503 at both discovery locations and the JWK Set", async () => {
    await issuer.outage('503')
    try {
      for (const url of [issuer.discoveryUrl, `${issuer.origin}/.well-known/oauth-authorization-server`, issuer.jwksUri]) {
        assert.equal((await fetch(url)).status, 503, url)
      }
    } finally {
      await issuer.restore()
    }
  })

  test("outage('refuse') refuses connections on the same port, which restore() listens on again", async () => {
    const before = { ...issuer.requests }
    await issuer.outage('refuse')
    try {
      // A fresh connection (fetch may first try a pooled one, which the issuer reset).
      const socket = connect(Number(new URL(issuer.origin).port), '127.0.0.1')
      const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException]
      assert.equal(error.code, 'ECONNREFUSED')
      await assert.rejects(fetch(issuer.jwksUri))
    } finally {
      await issuer.restore()
    }
    assert.equal(issuer.requests.jwks, before.jwks, 'a refused connection is no request')
    assert.equal((await fetch(issuer.jwksUri)).status, 200)
  })

  test('slow() holds responses until restore() releases them (observed with the gate, not a clock)', async () => {
    await issuer.slow(600_000)
    const verifier = freshVerifier(60_000)
    let settled = false
    const verifying = verifier.verify(await issuer.sign()).finally(() => {
      settled = true
    })
    await issuer.requested('openidConfiguration', issuer.requests.openidConfiguration + 1)
    assert.equal(issuer.held, 1, 'the discovery response is held')
    assert.equal(settled, false)
    await issuer.restore()
    await verifying
    assert.equal(issuer.held, 0)
  })

  test("outage('hang') holds too, and restore() answers the held request normally", async () => {
    await issuer.outage('hang')
    const discovery = fetch(issuer.discoveryUrl)
    await issuer.requested('openidConfiguration')
    assert.equal(issuer.held, 1)
    await issuer.restore()
    assert.equal((await discovery).status, 200)
  })

  test('slow(ms) answers by itself after the delay', async () => {
    await issuer.slow(5)
    try {
      const { status, body } = await getJson(issuer.jwksUri)
      assert.equal(status, 200)
      assert.ok(Array.isArray(body.keys))
    } finally {
      await issuer.restore()
    }
  })

  test('wrong arguments are TypeErrors', () => {
    assert.throws(() => issuer.outage('down' as never), /one of refuse, 503, hang/)
    assert.throws(() => issuer.slow(-1), /non-negative number/)
    assert.throws(() => issuer.requested('keys' as never), /endpoint must be one of/)
  })
})

describe('stop()', () => {
  test('frees the port, closes held connections, is idempotent, and ends pending waits', async () => {
    const issuer = await createTestIssuer()
    const port = Number(new URL(issuer.origin).port)
    await issuer.outage('hang')
    const held = fetch(issuer.jwksUri)
    await issuer.requested('jwks')
    const waiting = assert.rejects(issuer.requested('jwks', 10), /stopped before 10 jwks requests/)
    const reset = assert.rejects(held)
    await issuer.stop()
    await issuer.stop()
    await reset
    await waiting
    await assert.rejects(fetch(issuer.jwksUri))
    const server = createServer().listen(port, '127.0.0.1')
    await once(server, 'listening')
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await assert.rejects(issuer.restore(), /stopped/)
  })
})

describe('types (checked by tsc -b)', () => {
  test('provider options exist only on their provider; algorithms are the four supported', () => {
    const typed = (issuer: TestIssuer) => [
      issuer.sign.auth0({}, { permissions: false }),
      issuer.sign.entraId({}, { tenantId: 't' }),
      issuer.sign.keycloak({}, { realm: 'r' }),
      // @ts-expect-error realm is Keycloak's
      issuer.sign.okta({}, { realm: 'r' }),
      // @ts-expect-error HS256 is not a signing algorithm of the test issuer
      issuer.sign({}, { alg: 'HS256' }),
      // @ts-expect-error outage modes are named
      issuer.outage('down'),
    ]
    assert.equal(typeof typed, 'function')
  })
})
