/**
 * Certificate-bound tokens (RFC 8705 §3) against real TLS servers on every adapter: a CA and client
 * certificates made at test time, tokens bound to a certificate's thumbprint, and the proxy header path
 * (RFC 9440 `Client-Cert`) that is believed only from the configured proxies.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { boundIssuer, makeProof, proofKey } from '../support/dpop.js'
import { tlsMaterial } from '../support/tls.js'
import { TLS_ADAPTERS, tlsRequest } from '../support/tls-apps.js'

const tls = tlsMaterial()
const issuer = await boundIssuer()
const { a, b } = tls.clients

for (const adapter of TLS_ADAPTERS) {
  describe(`mTLS-bound tokens over a real TLS connection (${adapter.name})`, () => {
    let app: RunningApp
    let required: RunningApp
    let off: RunningApp
    before(async () => {
      app = await adapter.start(issuer.options as VerifierOptions, tls)
      required = await adapter.start({ ...issuer.options, mtls: 'required' } as VerifierOptions, tls)
      off = await adapter.start({ ...issuer.options, mtls: 'off' } as VerifierOptions, tls)
    })
    after(async () => Promise.all([app.close(), required.close(), off.close()]))

    const call = (target: RunningApp, token: string, identity = a) => tlsRequest(`${target.url}/data`, tls, { identity, headers: { authorization: `Bearer ${token}` } })
    const lastReason = (target: RunningApp) => target.refusals.at(-1)?.reason

    test('the certificate the token is bound to: 200', async () => {
      const response = await call(app, await issuer.certificateToken(a.x5t))
      assert.equal(response.status, 200, response.body)
    })

    test('another client\'s certificate: 401 certificate_mismatch', async () => {
      const response = await call(app, await issuer.certificateToken(a.x5t), b)
      assert.equal(response.status, 401)
      assert.match(String(response.headers['www-authenticate']), /^Bearer .*error="invalid_token"/)
      assert.equal(lastReason(app), 'certificate_mismatch')
    })

    test('no client certificate: 401 certificate_missing', async () => {
      const response = await tlsRequest(`${app.url}/data`, tls, { headers: { authorization: `Bearer ${await issuer.certificateToken(a.x5t)}` } })
      assert.equal(response.status, 401)
      assert.equal(lastReason(app), 'certificate_missing')
    })

    test('a self-signed certificate the token is bound to: 200 (RFC 8705 §2.2 binds the certificate, not its issuer)', async () => {
      const response = await call(app, await issuer.certificateToken(tls.stranger.x5t), tls.stranger)
      assert.equal(response.status, 200, response.body)
    })

    test('an unbound token with a certificate: 200 with "allowed", 401 token_not_bound with "required"', async () => {
      assert.equal((await call(app, await issuer.token())).status, 200)
      assert.equal((await call(required, await issuer.token())).status, 401)
      assert.equal(lastReason(required), 'token_not_bound')
      assert.equal((await call(required, await issuer.certificateToken(a.x5t))).status, 200)
    })

    test('"off": a certificate-bound token is refused even with its certificate', async () => {
      assert.equal((await call(off, await issuer.certificateToken(a.x5t))).status, 401)
      assert.equal(lastReason(off), 'token_binding_unverified')
    })

    test('a token bound to both a DPoP key and a certificate needs both', async () => {
      const key = await proofKey()
      const token = await issuer.token({ cnf: { jkt: key.jkt, 'x5t#S256': a.x5t } })
      const htu = 'https://api.tokenguard.test/data'
      const withBoth = await tlsRequest(`${app.url}/data`, tls, { identity: a, headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token, htu }) } })
      assert.equal(withBoth.status, 200, withBoth.body)
      const wrongCertificate = await tlsRequest(`${app.url}/data`, tls, { identity: b, headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token, htu }) } })
      assert.equal(wrongCertificate.status, 401)
      assert.equal(lastReason(app), 'certificate_mismatch')
      const noProof = await tlsRequest(`${app.url}/data`, tls, { identity: a, headers: { authorization: `DPoP ${token}` } })
      assert.equal(noProof.status, 401)
      assert.equal(lastReason(app), 'dpop_proof_missing')
    })
  })
}

const sfBinary = (der: Buffer) => `:${der.toString('base64')}:`

// The Fetch API gives a handler no peer address, so no proxy can be recognised: the header is never read (fail closed).
const NO_PEER_ADDRESS = new Set(['fetch'])

for (const adapter of ADAPTERS.filter((candidate) => NO_PEER_ADDRESS.has(candidate.name))) {
  test(`mTLS behind a proxy (${adapter.name}): without the peer's address, the Client-Cert header is never believed`, async () => {
    const app = await adapter.start({ ...issuer.options, mtls: { certificateHeader: 'client-cert', trustedProxies: ['127.0.0.1'] } } as VerifierOptions)
    try {
      const response = await fetch(`${app.url}/data`, { headers: { authorization: `Bearer ${await issuer.certificateToken(a.x5t)}`, 'client-cert': sfBinary(a.der) } })
      assert.equal(response.status, 401)
      assert.equal(app.refusals.at(-1)?.reason, 'certificate_missing')
    } finally {
      await app.close()
    }
  })
}

for (const adapter of ADAPTERS.filter((candidate) => !NO_PEER_ADDRESS.has(candidate.name))) {
  describe(`mTLS behind a TLS-terminating proxy: the Client-Cert header (${adapter.name})`, () => {
    let trusted: RunningApp
    let untrusted: RunningApp
    before(async () => {
      trusted = await adapter.start({ ...issuer.options, mtls: { certificateHeader: 'Client-Cert', trustedProxies: ['127.0.0.1'] } } as VerifierOptions)
      untrusted = await adapter.start({ ...issuer.options, mtls: { certificateHeader: 'client-cert', trustedProxies: ['10.0.0.0/8', '192.0.2.7'] } } as VerifierOptions)
    })
    after(async () => Promise.all([trusted.close(), untrusted.close()]))

    const call = (target: RunningApp, token: string, headers: Record<string, string>) => fetch(`${target.url}/data`, { headers: { authorization: `Bearer ${token}`, ...headers } })

    test('from a trusted proxy, the header\'s certificate is the client\'s', async () => {
      const token = await issuer.certificateToken(a.x5t)
      assert.equal((await call(trusted, token, { 'client-cert': sfBinary(a.der) })).status, 200)
      assert.equal((await call(trusted, token, { 'client-cert': sfBinary(b.der) })).status, 401)
      assert.equal(trusted.refusals.at(-1)?.reason, 'certificate_mismatch')
      assert.equal((await call(trusted, token, {})).status, 401)
      assert.equal(trusted.refusals.at(-1)?.reason, 'certificate_missing')
    })

    test('a header that is not one RFC 9440 byte sequence is refused', async () => {
      const token = await issuer.certificateToken(a.x5t)
      for (const value of [a.der.toString('base64'), `${sfBinary(a.der)}, ${sfBinary(b.der)}`, ':not base64!:']) {
        assert.equal((await call(trusted, token, { 'client-cert': value })).status, 401, value.slice(0, 20))
        assert.equal(trusted.refusals.at(-1)?.reason, 'certificate_invalid')
      }
    })

    test('from anyone else, the header is only text the client wrote: ignored', async () => {
      const token = await issuer.certificateToken(a.x5t)
      assert.equal((await call(untrusted, token, { 'client-cert': sfBinary(a.der) })).status, 401)
      assert.equal(untrusted.refusals.at(-1)?.reason, 'certificate_missing')
    })
  })
}

describe('mTLS options', () => {
  test('a certificate header needs trusted proxies, and proxies must be addresses', () => {
    assert.throws(() => createVerifier({ ...issuer.options, mtls: { certificateHeader: 'client-cert' } }), /needs "mtls.trustedProxies"/)
    assert.throws(() => createVerifier({ ...issuer.options, mtls: { trustedProxies: ['127.0.0.1'] } }), /"mtls.certificateHeader" must be a header name/)
    assert.throws(() => createVerifier({ ...issuer.options, mtls: { certificateHeader: 'client-cert', trustedProxies: ['proxy.internal'] } }), /IP addresses or IPv4 CIDR/)
    assert.throws(() => createVerifier({ ...issuer.options, mtls: { certificateHeader: 'client cert', trustedProxies: ['127.0.0.1'] } }), /header name/)
    assert.throws(() => createVerifier({ ...issuer.options, mtls: 'on' as never }), /"mtls" mode must be one of/)
    assert.throws(() => createVerifier({ ...issuer.options, mtls: { mdoe: 'required' } as never }), /unknown option "mdoe" in "mtls" \(did you mean "mode"\?\)/)
  })

  test('the request view\'s certificate is used when no proxy header is configured', async () => {
    const verifier = createVerifier(issuer.options)
    const token = await issuer.certificateToken(a.x5t)
    const decision = await verifier.decide({ method: 'GET', url: '/data', headers: { authorization: `Bearer ${token}` }, peerCertificate: a.der })
    assert.equal(decision.outcome, 'accepted')
    const other = await verifier.decide({ method: 'GET', url: '/data', headers: { authorization: `Bearer ${token}` }, peerCertificate: b.der })
    assert.equal(other.outcome === 'refused' && other.error.reason, 'certificate_mismatch')
  })
})
