/**
 * DPoP through core (`verifier.decide`), one request view per case: every check of RFC 9449 §4.3 and §7, and
 * the attack table of issue 13 — each case names the refusal reason it must produce, and the well-formed
 * proof next to it is accepted, so no case passes by refusing everything.
 */
import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { createVerifier, memoryReplayStore, ReplayStoreUnavailableError, type Decision, type RequestView, type VerifierOptions } from '@tokenguard/core'
import { challengeOf, parseChallenges } from '../support/challenges.js'
import { API_ORIGIN, boundIssuer, hmacProof, makeProof, proofKey, unsignedProof, type ProofKey } from '../support/dpop.js'

const issuer = await boundIssuer()
const key = await proofKey('ES256')
const otherKey = await proofKey('ES256')

function view(token: string, proof: string | string[] | undefined, overrides: Partial<RequestView> = {}, scheme = 'DPoP'): RequestView {
  const headers: Record<string, string | string[]> = { authorization: `${scheme} ${token}`, host: 'api.tokenguard.test' }
  if (proof !== undefined) headers.dpop = proof
  return { method: 'GET', url: '/data', headers, ...overrides }
}

async function decided(verifier: ReturnType<typeof createVerifier>, request: RequestView): Promise<Decision> {
  return await verifier.decide(request)
}

async function refusedWith(verifier: ReturnType<typeof createVerifier>, request: RequestView, reason: string, code?: string) {
  const decision = await decided(verifier, request)
  assert.equal(decision.outcome, 'refused', `expected a refusal (${reason})`)
  if (decision.outcome !== 'refused') return undefined as never
  assert.equal(decision.error.reason, reason, `reason (detail: ${decision.error.detail})`)
  if (code !== undefined) assert.equal(decision.error.code, code)
  return decision.error
}

async function acceptedFor(verifier: ReturnType<typeof createVerifier>, request: RequestView) {
  const decision = await decided(verifier, request)
  assert.equal(decision.outcome, 'accepted', decision.outcome === 'refused' ? `refused: ${decision.error.describe()}` : 'anonymous')
  return decision
}

const make = (options: Partial<VerifierOptions> = {}) => createVerifier({ ...issuer.options, ...options } as VerifierOptions)

describe('DPoP through core: a well-formed proof', () => {
  test('is accepted for a DPoP-bound token, for every asymmetric algorithm', async () => {
    const verifier = make()
    for (const alg of ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']) {
      const client = await proofKey(alg)
      const token = await issuer.dpopToken(client)
      const decision = await acceptedFor(verifier, view(token, await makeProof(client, { token })))
      assert.equal(decision.outcome === 'accepted' && decision.auth.claims.sub, 'client-1', alg)
    }
  })

  test('the token is cached, the proof is checked on every request', async () => {
    const verifier = make()
    const token = await issuer.dpopToken(key)
    const first = await makeProof(key, { token })
    await acceptedFor(verifier, view(token, first))
    await refusedWith(verifier, view(token, first), 'dpop_proof_replayed', 'invalid_dpop_proof')
    await acceptedFor(verifier, view(token, await makeProof(key, { token })))
    await refusedWith(verifier, view(token, undefined), 'dpop_proof_missing', 'invalid_dpop_proof')
  })

  test('unbound tokens keep working as Bearer with dpop "allowed"', async () => {
    await acceptedFor(make(), view(await issuer.token(), undefined, {}, 'Bearer'))
  })
})

describe('DPoP attack table through core', () => {
  const verifier = make()
  const cases: Array<{ name: string; request: () => Promise<RequestView>; reason: string; code?: string }> = [
    { name: 'replayed proof', reason: 'dpop_proof_replayed', request: async () => {
      const token = await issuer.dpopToken(key)
      const proof = await makeProof(key, { token })
      await acceptedFor(verifier, view(token, proof))
      return view(token, proof)
    } },
    { name: 'proof for another URL', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: `${API_ORIGIN}/admin` })) } },
    { name: 'proof for another host', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: 'https://other.tokenguard.test/data' })) } },
    { name: 'proof for another method', reason: 'dpop_method_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htm: 'POST' })) } },
    { name: 'proof with a lower-case method', reason: 'dpop_method_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htm: 'get' })) } },
    { name: 'proof for another token (ath)', reason: 'dpop_token_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token: await issuer.dpopToken(key) })) } },
    { name: 'proof without ath', reason: 'dpop_token_mismatch', request: async () => view(await issuer.dpopToken(key), await makeProof(key)) },
    { name: 'stale iat (2 minutes old)', reason: 'dpop_proof_stale', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, iat: Math.floor(Date.now() / 1000) - 120 })) } },
    { name: 'future iat (1 minute ahead)', reason: 'dpop_proof_future', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, iat: Math.floor(Date.now() / 1000) + 60 })) } },
    { name: 'proof MAC-ed with HS256', reason: 'dpop_algorithm_not_allowed', request: async () => {
      const token = await issuer.dpopToken(key)
      const secret = randomBytes(32)
      return view(token, await hmacProof(secret, { kty: 'oct', k: secret.toString('base64url') }, { token }))
    } },
    { name: 'proof MAC-ed with HS256 naming the public key', reason: 'dpop_algorithm_not_allowed', request: async () => { const token = await issuer.dpopToken(key); return view(token, await hmacProof(randomBytes(32), key.publicJwk, { token })) } },
    { name: 'proof with alg none', reason: 'dpop_algorithm_not_allowed', request: async () => { const token = await issuer.dpopToken(key); return view(token, unsignedProof(key, { token })) } },
    { name: 'private key in jwk', reason: 'dpop_key_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { jwk: key.privateJwk } })) } },
    { name: 'symmetric jwk', reason: 'dpop_key_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } })) } },
    { name: 'no jwk', reason: 'dpop_key_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { jwk: undefined } })) } },
    { name: 'jwk for encryption', reason: 'dpop_key_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { jwk: { ...key.publicJwk, use: 'enc' } } })) } },
    { name: 'signed by another key than its jwk', reason: 'dpop_signature_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(otherKey, { token, header: { jwk: key.publicJwk } })) } },
    { name: 'jkt mismatch (proof by another key)', reason: 'dpop_key_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(otherKey, { token })) } },
    { name: 'bound token as Bearer, with a valid proof', reason: 'token_binding_unverified', code: 'invalid_token', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token }), {}, 'Bearer') } },
    { name: 'bound token as Bearer, no proof', reason: 'token_binding_unverified', code: 'invalid_token', request: async () => view(await issuer.dpopToken(key), undefined, {}, 'Bearer') },
    { name: 'two DPoP headers', reason: 'dpop_proof_multiple', request: async () => { const token = await issuer.dpopToken(key); return view(token, [await makeProof(key, { token }), await makeProof(key, { token })]) } },
    { name: 'two DPoP headers, joined by the HTTP stack', reason: 'dpop_proof_multiple', request: async () => { const token = await issuer.dpopToken(key); return view(token, `${await makeProof(key, { token })}, ${await makeProof(key, { token })}`) } },
    { name: '64 KiB proof', reason: 'dpop_proof_too_large', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, claims: { pad: 'x'.repeat(48 * 1024) } })) } },
    { name: 'no proof', reason: 'dpop_proof_missing', request: async () => view(await issuer.dpopToken(key), undefined) },
    { name: 'proof that is not a JWS', reason: 'dpop_proof_malformed', request: async () => view(await issuer.dpopToken(key), 'not-a-jws') },
    { name: 'typ JWT', reason: 'dpop_proof_type', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { typ: 'JWT' } })) } },
    { name: 'typ at+jwt (an access token as proof)', reason: 'dpop_proof_type', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { typ: 'at+jwt' } })) } },
    { name: 'no typ', reason: 'dpop_proof_type', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, header: { typ: undefined } })) } },
    { name: 'no jti', reason: 'dpop_claims_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, claims: { jti: undefined } })) } },
    { name: 'oversized jti', reason: 'dpop_claims_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, jti: 'j'.repeat(129) })) } },
    { name: 'no iat', reason: 'dpop_claims_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, claims: { iat: undefined } })) } },
    { name: 'no htu', reason: 'dpop_claims_invalid', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, claims: { htu: undefined } })) } },
    { name: 'htu on another port', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: 'https://api.tokenguard.test:8443/data' })) } },
    { name: 'htu over http', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: 'http://api.tokenguard.test/data' })) } },
    { name: 'htu with another path case', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: `${API_ORIGIN}/DATA` })) } },
    { name: 'htu with an encoded slash', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: `${API_ORIGIN}/data%2F` })) } },
    { name: 'htu with credentials', reason: 'dpop_url_mismatch', request: async () => { const token = await issuer.dpopToken(key); return view(token, await makeProof(key, { token, htu: 'https://user@api.tokenguard.test/data' })) } },
    { name: 'forwarded host (proxy not trusted: origin is configured)', reason: 'dpop_url_mismatch', request: async () => {
      const token = await issuer.dpopToken(key)
      const request = view(token, await makeProof(key, { token, htu: 'https://evil.example/data' }))
      return { ...request, headers: { ...(request.headers as Record<string, string>), 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', host: 'evil.example' } }
    } },
    { name: 'unbound token with the DPoP scheme', reason: 'token_not_bound', code: 'invalid_token', request: async () => { const token = await issuer.token(); return view(token, await makeProof(key, { token })) } },
    { name: 'cnf with an unknown method', reason: 'token_binding_unsupported', request: async () => view(await issuer.token({ cnf: { kid: 'k1' } }), undefined, {}, 'Bearer') },
    { name: 'cnf as a string', reason: 'token_binding_unsupported', request: async () => view(await issuer.token({ cnf: 'jkt' }), undefined, {}, 'Bearer') },
    { name: 'cnf.jkt not a string', reason: 'token_binding_unsupported', request: async () => view(await issuer.token({ cnf: { jkt: 12 } }), undefined) },
  ]
  for (const { name, request, reason, code } of cases) {
    test(name, async () => {
      const error = await refusedWith(verifier, await request(), reason, code ?? (reason.startsWith('dpop_') ? 'invalid_dpop_proof' : 'invalid_token'))
      assert.equal(error.status, 401)
      const dpop = challengeOf(error.wwwAuthenticate, 'DPoP')
      assert.ok(dpop.params.algs?.split(' ').includes('ES256'), 'the DPoP challenge names its algorithms')
      assert.equal(dpop.params.error, error.code)
    })
  }
  test(`the table has ${cases.length} cases`, () => assert.ok(cases.length >= 40))
})

describe('htu normalisation (RFC 9449 §4.3, RFC 3986 §6.2.2-6.2.3) accepts the same URI written differently', () => {
  const verifier = make()
  const variants: Array<{ name: string; htu: string; url?: string }> = [
    { name: 'default port', htu: 'https://api.tokenguard.test:443/data' },
    { name: 'upper-case scheme and host', htu: 'HTTPS://API.TOKENGUARD.TEST/data' },
    { name: 'percent-encoded unreserved character in htu', htu: `${API_ORIGIN}/d%61ta` },
    { name: 'percent-encoded unreserved character in the request', htu: `${API_ORIGIN}/data`, url: '/%64ata' },
    { name: 'lower-case percent-encoding', htu: `${API_ORIGIN}/items/a%2fb`, url: '/items/a%2Fb' },
    { name: 'dot segments', htu: `${API_ORIGIN}/x/../data` },
    { name: 'htu with a query (ignored, §4.3)', htu: `${API_ORIGIN}/data?page=2` },
    { name: 'htu with a fragment (ignored, §4.3)', htu: `${API_ORIGIN}/data#top` },
    { name: 'request with a query', htu: `${API_ORIGIN}/data`, url: '/data?page=2' },
  ]
  for (const { name, htu, url } of variants) {
    test(name, async () => {
      const token = await issuer.dpopToken(key)
      await acceptedFor(verifier, view(token, await makeProof(key, { token, htu }), url === undefined ? {} : { url }))
    })
  }
})

describe('modes', () => {
  test('"required": unbound tokens are refused, and only the DPoP challenge is offered', async () => {
    const verifier = make({ dpop: 'required' })
    const error = await refusedWith(verifier, view(await issuer.token(), undefined, {}, 'Bearer'), 'token_not_bound', 'invalid_token')
    assert.deepEqual(parseChallenges(error.wwwAuthenticate).map((challenge) => challenge.scheme), ['DPoP'])
    const token = await issuer.dpopToken(key)
    await acceptedFor(verifier, view(token, await makeProof(key, { token })))
    const missing = await refusedWith(verifier, { method: 'GET', url: '/data', headers: {} }, 'missing_token', 'missing_token')
    assert.deepEqual(parseChallenges(missing.wwwAuthenticate).map((challenge) => challenge.scheme), ['DPoP'])
  })

  test('"allowed": a request without credentials gets both challenges, without error', async () => {
    const error = await refusedWith(make(), { method: 'GET', url: '/data', headers: {} }, 'missing_token')
    const challenges = parseChallenges(error.wwwAuthenticate)
    assert.deepEqual(challenges.map((challenge) => challenge.scheme), ['Bearer', 'DPoP'])
    assert.equal(challenges[0]!.params.error, undefined)
    assert.equal(challenges[1]!.params.error, undefined)
    assert.ok(challenges[1]!.params.algs!.length > 0)
  })

  test('"off": the DPoP scheme is not credentials, DPoP-bound tokens are refused as Bearer', async () => {
    const verifier = make({ dpop: 'off' })
    const token = await issuer.dpopToken(key)
    await refusedWith(verifier, view(token, await makeProof(key, { token })), 'missing_token')
    const error = await refusedWith(verifier, view(token, undefined, {}, 'Bearer'), 'token_binding_unverified', 'invalid_token')
    assert.deepEqual(parseChallenges(error.wwwAuthenticate).map((challenge) => challenge.scheme), ['Bearer'])
  })

  test('without origin or trustProxy, DPoP is off by default (and bound tokens are refused, naming the fix)', async () => {
    const { origin: _origin, ...withoutOrigin } = issuer.options
    const verifier = createVerifier(withoutOrigin)
    const token = await issuer.dpopToken(key)
    const error = await refusedWith(verifier, view(token, undefined, {}, 'Bearer'), 'token_binding_unverified')
    assert.match(error.detail ?? '', /origin/)
    assert.equal(verifier.settings.binding.dpop.mode, 'off')
  })

  test('trustProxy: the forwarded scheme and host make the URL', async () => {
    const { origin: _origin, ...withoutOrigin } = issuer.options
    const verifier = createVerifier({ ...withoutOrigin, trustProxy: true })
    const token = await issuer.dpopToken(key)
    const proof = await makeProof(key, { token, htu: 'https://public.tokenguard.test/data' })
    const request = view(token, proof)
    await acceptedFor(verifier, { ...request, headers: { ...(request.headers as Record<string, string>), host: '10.0.0.5:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.tokenguard.test' } })
  })

  test('algorithms: a proof algorithm not configured is refused', async () => {
    const verifier = make({ dpop: { algorithms: ['ES256'] } })
    const rsa = await proofKey('PS256')
    const token = await issuer.dpopToken(rsa)
    await refusedWith(verifier, view(token, await makeProof(rsa, { token })), 'dpop_algorithm_not_allowed')
  })

  test('maxProofAge: a shorter window refuses an older proof', async () => {
    const verifier = make({ dpop: { maxProofAge: '10s' }, clockTolerance: 0 })
    const token = await issuer.dpopToken(key)
    await refusedWith(verifier, view(token, await makeProof(key, { token, iat: Math.floor(Date.now() / 1000) - 30 })), 'dpop_proof_stale')
    await acceptedFor(verifier, view(token, await makeProof(key, { token, iat: Math.floor(Date.now() / 1000) - 2 })))
  })

  test('verify(token) alone refuses a bound token: there is no request to prove it with', async () => {
    const verifier = make()
    await assert.rejects(verifier.verify(await issuer.dpopToken(key)), (error: { reason?: string }) => error.reason === 'token_binding_unverified')
    await assert.rejects(verifier.verify(await issuer.certificateToken('abc')), (error: { reason?: string }) => error.reason === 'token_binding_unverified')
    assert.equal((await verifier.verify(await issuer.token())).claims.sub, 'client-1')
  })
})

describe('replay across instances (a fleet)', () => {
  test('two verifiers sharing a store refuse a proof replayed from one to the other; separate stores do not', async () => {
    const shared = memoryReplayStore()
    const first = make({ dpop: { replayStore: shared } })
    const second = make({ dpop: { replayStore: shared } })
    const token = await issuer.dpopToken(key)
    const proof = await makeProof(key, { token })
    await acceptedFor(first, view(token, proof))
    await refusedWith(second, view(token, proof), 'dpop_proof_replayed')
    // What a per-process store would let through: the reason fleets need one store.
    const alone = make()
    await acceptedFor(alone, view(token, proof))
  })

  test('a store that cannot answer is a 503 by default, and an accepted proof only when configured so', async () => {
    const down = { remember: async () => { throw new ReplayStoreUnavailableError('connection refused') } }
    const token = await issuer.dpopToken(key)
    const error = await refusedWith(make({ dpop: { replayStore: down } }), view(token, await makeProof(key, { token })), 'replay_store_unavailable', 'temporarily_unavailable')
    assert.equal(error.status, 503)
    assert.equal(error.headers['Retry-After'], '1')
    await acceptedFor(make({ dpop: { replayStore: down, replayStoreFailure: 'accept' } }), view(token, await makeProof(key, { token })))
  })

  test('a full in-memory store refuses new proofs (503) instead of forgetting live ones', async () => {
    const verifier = make({ dpop: { replayStore: memoryReplayStore({ maxEntries: 3 }) } })
    const token = await issuer.dpopToken(key)
    const proofs = await Promise.all([0, 1, 2].map(() => makeProof(key, { token })))
    for (const proof of proofs) await acceptedFor(verifier, view(token, proof))
    await refusedWith(verifier, view(token, await makeProof(key, { token })), 'replay_store_unavailable')
    for (const proof of proofs) await refusedWith(verifier, view(token, proof), 'dpop_proof_replayed')
  })
})

describe('server nonces (RFC 9449 §9)', () => {
  const secret = 'a-shared-fleet-nonce-secret-of-32-bytes!'
  const rotation = 24 * 3_600_000
  // The nonce of the window `back` rotations ago, computed the way the RFC's stateless design allows.
  const nonceOf = (back: number, key = secret) => createHmac('sha256', key).update(`tokenguard DPoP nonce ${Math.floor(Date.now() / rotation) - back}`).digest().subarray(0, 18).toString('base64url')
  const verifier = make({ dpop: { nonce: { secret, rotation } } })

  async function nonceChallenge(request: RequestView, reason: string): Promise<string> {
    const error = await refusedWith(verifier, request, reason, 'use_dpop_nonce')
    assert.equal(challengeOf(error.wwwAuthenticate, 'DPoP').params.error, 'use_dpop_nonce')
    const nonce = error.headers['DPoP-Nonce']
    assert.ok(nonce !== undefined && nonce.length > 0)
    return nonce
  }

  test('a proof without a nonce gets use_dpop_nonce and the nonce; with it, it is accepted', async () => {
    const token = await issuer.dpopToken(key)
    const nonce = await nonceChallenge(view(token, await makeProof(key, { token })), 'dpop_nonce_missing')
    assert.equal(nonce, nonceOf(0))
    const decision = await acceptedFor(verifier, view(token, await makeProof(key, { token, nonce })))
    assert.equal(decision.outcome === 'accepted' ? decision.headers : 'refused', undefined)
  })

  test('another instance with the same secret accepts the nonce (no shared state)', async () => {
    const token = await issuer.dpopToken(key)
    const other = make({ dpop: { nonce: { secret, rotation } } })
    await acceptedFor(other, view(token, await makeProof(key, { token, nonce: nonceOf(0) })))
  })

  test('the previous window\'s nonce is accepted, with a fresh DPoP-Nonce to use next', async () => {
    const token = await issuer.dpopToken(key)
    const decision = await acceptedFor(verifier, view(token, await makeProof(key, { token, nonce: nonceOf(1) })))
    assert.deepEqual(decision.outcome === 'accepted' ? decision.headers : undefined, { 'DPoP-Nonce': nonceOf(0) })
  })

  test('a stale nonce (two windows old) and a foreign one are refused with the current nonce', async () => {
    const token = await issuer.dpopToken(key)
    assert.equal(await nonceChallenge(view(token, await makeProof(key, { token, nonce: nonceOf(2) })), 'dpop_nonce_invalid'), nonceOf(0))
    assert.equal(await nonceChallenge(view(token, await makeProof(key, { token, nonce: nonceOf(0, 'another-fleet-secret-of-at-least-32-bytes') })), 'dpop_nonce_invalid'), nonceOf(0))
    await nonceChallenge(view(token, await makeProof(key, { token, claims: { nonce: 42 } })), 'dpop_nonce_invalid')
  })
})

/** Keeps the helper honest: the view it builds is accepted when nothing is wrong. */
test('the view helper builds an acceptable request', async () => {
  const client: ProofKey = await proofKey()
  const token = await issuer.dpopToken(client)
  await acceptedFor(make(), view(token, await makeProof(client, { token })))
})
