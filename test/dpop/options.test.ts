/**
 * The `dpop` option at startup: misconfigurations are refused with a message naming the fix; issuer entries
 * may only tighten; RFC 9728 metadata publishes what the verifier enforces, and nothing else.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createVerifier, DPOP_ALGORITHMS, type VerifierOptions } from '@tokenguard/core'
import { resourceMetadataFor } from '@tokenguard/core/adapter'
import { API_ORIGIN, boundIssuer, makeProof, proofKey } from '../support/dpop.js'

const issuer = await boundIssuer()
const { origin: _origin, ...noOrigin } = issuer.options

describe('dpop options at startup', () => {
  test('DPoP asked for without a known request URL is refused, naming origin and trustProxy', () => {
    for (const dpop of ['allowed', 'required', { nonce: true }] as const) {
      assert.throws(() => createVerifier({ ...noOrigin, dpop }), /"dpop" checks each proof's "htu".*set "origin".*"trustProxy: true"/, JSON.stringify(dpop))
    }
    assert.equal(createVerifier({ ...noOrigin, dpop: 'off' }).settings.binding.dpop.mode, 'off')
    assert.equal(createVerifier({ ...noOrigin, trustProxy: true, dpop: 'required' }).settings.binding.dpop.mode, 'required')
  })

  test('symmetric or unknown proof algorithms, bad modes, durations and keys are refused', () => {
    const refuse = (dpop: unknown, pattern: RegExp) => assert.throws(() => createVerifier({ ...issuer.options, dpop } as VerifierOptions), pattern, JSON.stringify(dpop))
    refuse({ algorithms: ['HS256'] }, /asymmetric algorithms/)
    refuse({ algorithms: ['none'] }, /asymmetric algorithms/)
    refuse({ algorithms: [] }, /non-empty array/)
    refuse('on', /"dpop" mode must be one of "allowed", "required", "off"/)
    refuse({ mode: 'strict' }, /mode must be one of/)
    refuse({ maxProofAge: 0 }, /"dpop.maxProofAge" must be a positive number of milliseconds or a duration string/)
    refuse({ maxProofAge: '5 minutes' }, /"dpop.maxProofAge" must be a positive number/)
    refuse({ maxProofAge: '2h' }, /"dpop.maxProofAge" must be at most 1 h/)
    refuse({ replayStore: {} }, /remember\(key, ttlMs\)/)
    refuse({ replayStoreFailure: 'ignore' }, /"unavailable" or "accept"/)
    refuse({ nonce: { secret: 'short' } }, /at least 32 bytes/)
    refuse({ nonce: { rotation: -1 } }, /"dpop.nonce.rotation"/)
    refuse({ nonce: { secrets: 'x' } }, /unknown option "secrets" in "dpop.nonce" \(did you mean "secret"\?\)/)
    refuse({ maxProofage: 1000 }, /unknown option "maxProofage" in "dpop" \(did you mean "maxProofAge"\?\)/)
  })

  test('durations: milliseconds or a string with a unit', () => {
    assert.equal(createVerifier({ ...issuer.options, dpop: { maxProofAge: '2m' } }).settings.binding.dpop.maxProofAge, 120_000)
    assert.equal(createVerifier({ ...issuer.options, dpop: { maxProofAge: 1500 } }).settings.binding.dpop.maxProofAge, 1500)
    assert.equal(createVerifier(issuer.options).settings.binding.dpop.maxProofAge, 60_000)
    assert.deepEqual(createVerifier(issuer.options).settings.binding.dpop.algorithms, DPOP_ALGORITHMS)
  })
})

describe('dpop per issuer entry', () => {
  const entry = { issuer: issuer.options.issuer, jwks: issuer.options.jwks }
  const multi = (top: Partial<VerifierOptions>, own: Partial<VerifierOptions>) => createVerifier({ audience: issuer.options.audience, origin: API_ORIGIN, ...top, issuers: [{ ...entry, ...own }] } as never)

  test('an entry may tighten "allowed" to "required" or "off", never loosen', async () => {
    const key = await proofKey()
    const required = multi({}, { dpop: 'required' })
    const unbound = await required.decide({ method: 'GET', url: '/data', headers: { authorization: `Bearer ${await issuer.token()}` } })
    assert.equal(unbound.outcome === 'refused' && unbound.error.reason, 'token_not_bound')
    const token = await issuer.dpopToken(key)
    const bound = await required.decide({ method: 'GET', url: '/data', headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token }) } })
    assert.equal(bound.outcome, 'accepted')
    assert.throws(() => multi({ dpop: 'off' }, { dpop: 'allowed' }), /may only tighten "allowed"/)
    assert.throws(() => multi({ dpop: 'required' }, { dpop: 'off' }), /may only tighten "allowed"/)
  })

  test('algorithms intersect; the store, nonces and certificate header stay at the top level', async () => {
    const verifier = multi({ dpop: { algorithms: ['ES256', 'PS256'] } }, { dpop: { algorithms: ['PS256', 'EdDSA'] } })
    const key = await proofKey('ES256')
    const token = await issuer.dpopToken(key)
    const decision = await verifier.decide({ method: 'GET', url: '/data', headers: { authorization: `DPoP ${token}`, dpop: await makeProof(key, { token }) } })
    assert.equal(decision.outcome === 'refused' && decision.error.reason, 'dpop_algorithm_not_allowed')
    assert.throws(() => multi({ dpop: { algorithms: ['ES256'] } }, { dpop: { algorithms: ['PS256'] } }), /allows none of the top-level/)
    assert.throws(() => multi({}, { dpop: { nonce: true } }), /"dpop.nonce", which serve the whole API: set them at the top level/)
    assert.throws(() => multi({}, { mtls: { certificateHeader: 'client-cert', trustedProxies: ['127.0.0.1'] } }), /"mtls.certificateHeader", "mtls.trustedProxies"/)
  })
})

describe('RFC 9728 metadata publishes the bindings that are enforced', () => {
  const resource = 'https://api.tokenguard.test'
  const serve = (options: Partial<VerifierOptions>, fields: Record<string, unknown> = {}) => {
    const verifier = createVerifier({ ...issuer.options, resourceMetadata: `${resource}/.well-known/oauth-protected-resource`, ...options } as VerifierOptions)
    return resourceMetadataFor({ resource, ...fields }, verifier).document
  }

  test('DPoP allowed: the algorithms, not required; required: required; off: nothing', () => {
    assert.deepEqual(serve({}).dpop_signing_alg_values_supported, [...DPOP_ALGORITHMS])
    assert.equal(serve({}).dpop_bound_access_tokens_required, false)
    assert.equal(serve({ dpop: { mode: 'required', algorithms: ['ES256'] } }).dpop_bound_access_tokens_required, true)
    assert.deepEqual(serve({ dpop: { mode: 'required', algorithms: ['ES256'] } }).dpop_signing_alg_values_supported, ['ES256'])
    const off = serve({ dpop: 'off' })
    assert.equal('dpop_signing_alg_values_supported' in off || 'dpop_bound_access_tokens_required' in off, false)
  })

  test('mTLS configured: tls_client_certificate_bound_access_tokens; unset or off: omitted', () => {
    assert.equal(serve({ mtls: 'allowed' }).tls_client_certificate_bound_access_tokens, true)
    assert.equal('tls_client_certificate_bound_access_tokens' in serve({}), false)
    assert.equal('tls_client_certificate_bound_access_tokens' in serve({ mtls: 'off' }), false)
  })

  test('claims beyond what is enforced are refused at startup', () => {
    assert.throws(() => serve({}, { dpopBoundAccessTokensRequired: true }), /dpopBoundAccessTokensRequired .*not "required"/)
    assert.throws(() => serve({ dpop: { algorithms: ['ES256'] } }, { dpopSigningAlgValuesSupported: ['ES256', 'RS256'] }), /dpopSigningAlgValuesSupported \(RS256\)/)
    assert.throws(() => serve({ dpop: 'off' }, { dpopSigningAlgValuesSupported: ['ES256'] }), /does not enforce/)
    assert.throws(() => serve({ mtls: 'off' }, { tlsClientCertificateBoundAccessTokens: true }), /tlsClientCertificateBoundAccessTokens/)
    assert.deepEqual(serve({}, { dpopSigningAlgValuesSupported: ['ES256'] }).dpop_signing_alg_values_supported, ['ES256'])
  })
})
