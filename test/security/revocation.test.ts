/**
 * Revocation by `jti` (issue 12, "What to build", ECDSA item): the `isRevoked(claims)` hook, synchronous or
 * asynchronous, asked after verification and again on every cache hit, at the top level and per issuer
 * entry. A revoked token is 401 `invalid_token` (`token_revoked`); a hook that cannot answer (throws,
 * rejects, answers no boolean) is 503 `revocation_check_unavailable`, never a 401. Because the hook sees
 * claims, not the token string, both ECDSA spellings (s and n − s) of a revoked token are refused. Core,
 * then every adapter over real HTTP against a real key server.
 *
 * Before (main f75adbd): there was no such option — `isRevoked` was refused as an unknown option.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, isConfigurationError, type Decision, type RequestView, type RevocationCheck, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { expectRefusal } from '../support/refusal.js'
import { splitToken } from './forge.js'
import { RUNNERS, type Runner } from './runners.js'

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

/** The same ES256 token with s replaced by n − s: another string that verifies just as well. */
function ecdsaTwin(token: string): string {
  const [header, payload, signature] = splitToken(token)
  const bytes = Buffer.from(signature, 'base64url')
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`)
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex')]).toString('base64url')}`
}

/** A deny list of `jti`s, counting the questions it is asked; `mode` switches how it answers. */
function denyList() {
  const state = { revoked: new Set<string>(), asked: 0, mode: 'sync' as 'sync' | 'async' | 'rejects' | 'throws' | 'garbage' }
  const isRevoked: RevocationCheck = (claims) => {
    state.asked++
    const revoked = state.revoked.has(claims.jti as string)
    switch (state.mode) {
      case 'sync':
        return revoked
      case 'async':
        return Promise.resolve(revoked)
      case 'rejects':
        return Promise.reject(new Error('deny list unreachable'))
      case 'throws':
        throw new Error('deny list not loaded')
      case 'garbage':
        return 'yes' as unknown as boolean
    }
  }
  return { state, isRevoked }
}

const requestWith = (token: string): RequestView => ({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } })

let server: KeyServer
before(async () => {
  server = await startKeyServer({ keys: [await generateSigningKey('ES256', 'revocation-key')] })
})
after(() => server.close())

const verifierWith = (extra: Partial<VerifierOptions>) => createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, ...extra } as VerifierOptions)

describe('the isRevoked hook in core', () => {
  test('asked after verification: a revoked jti is 401 token_revoked, another passes; a forgery never reaches the hook', async () => {
    const { state, isRevoked } = denyList()
    const verifier = verifierWith({ isRevoked })
    const [revoked, fine] = [await server.mint({ jti: 'revoked-1' }), await server.mint({ jti: 'fine-1' })]
    state.revoked.add('revoked-1')
    const error = await expectRefusal(verifier.verify(revoked), 'token_revoked', 401)
    assert.equal(error.code, 'invalid_token')
    assert.equal((await verifier.verify(fine)).claims.jti, 'fine-1')
    const asked = state.asked
    const [header, payload] = splitToken(fine)
    await expectRefusal(verifier.verify(`${header}.${payload}.${'A'.repeat(86)}`), 'signature_invalid', 401)
    assert.equal(state.asked, asked, 'an unverified token is never shown to the hook')
  })

  test('asked again on every cache hit: revoking a cached token refuses its next use, without a new verification', async () => {
    const { state, isRevoked } = denyList()
    const verifier = verifierWith({ isRevoked })
    const token = await server.mint({ jti: 'cached-1' })
    await verifier.verify(token)
    const first = await verifier.verify(token) // seen twice: cached also where the cache admits on a second sighting
    assert.equal(await verifier.verify(token), first, 'a cache hit (the same verified context)')
    assert.equal(state.asked, 3, 'asked on every use')
    state.revoked.add('cached-1')
    await expectRefusal(verifier.verify(token), 'token_revoked', 401)
    state.revoked.delete('cached-1')
    assert.equal(await verifier.verify(token), first, 'the entry itself was kept: the hook decides each use')
  })

  test('both ECDSA spellings of a revoked token are refused (the hook sees claims, not the string)', async () => {
    const { state, isRevoked } = denyList()
    const verifier = verifierWith({ isRevoked })
    const token = await server.mint({ jti: 'twin-1' })
    const twin = ecdsaTwin(token)
    assert.notEqual(twin, token)
    assert.equal((await verifier.verify(twin)).token, twin, 'the twin verifies')
    state.revoked.add('twin-1')
    await expectRefusal(verifier.verify(token), 'token_revoked', 401)
    await expectRefusal(verifier.verify(twin), 'token_revoked', 401)
  })

  test('a synchronous hook keeps a cached decision synchronous; an asynchronous one makes it a promise', async () => {
    const sync = denyList()
    const async = denyList()
    async.state.mode = 'async'
    const token = await server.mint({ jti: 'decide-1' })
    const [syncVerifier, asyncVerifier] = [verifierWith({ isRevoked: sync.isRevoked }), verifierWith({ isRevoked: async.isRevoked })]
    // Twice each: cached also where the cache admits a token on its second sighting.
    for (const verifier of [syncVerifier, asyncVerifier, syncVerifier, asyncVerifier]) assert.equal((await verifier.decide(requestWith(token))).outcome, 'accepted')
    const syncHit = syncVerifier.decide(requestWith(token))
    const asyncHit = asyncVerifier.decide(requestWith(token))
    assert.ok(!(syncHit instanceof Promise), 'sync hook: a cached token is decided without a promise')
    assert.ok(asyncHit instanceof Promise, 'async hook: the decision waits for it')
    async.state.revoked.add('decide-1')
    const refused = (await asyncVerifier.decide(requestWith(token))) as Decision
    assert.ok(refused.outcome === 'refused' && refused.error.reason === 'token_revoked')
  })

  for (const mode of ['rejects', 'throws', 'garbage'] as const) {
    test(`a hook that ${mode === 'garbage' ? 'answers no boolean' : mode} is 503 revocation_check_unavailable with Retry-After, fresh and cached`, async () => {
      const { state, isRevoked } = denyList()
      const verifier = verifierWith({ isRevoked })
      const token = await server.mint({ jti: `outage-${mode}` })
      await verifier.verify(token)
      await verifier.verify(token) // cached while the hook works (seen twice: whatever the cache's admission)
      state.mode = mode
      for (const candidate of [token, await server.mint({ jti: `outage-${mode}-fresh` })]) {
        const error = await expectRefusal(verifier.verify(candidate), 'revocation_check_unavailable', 503)
        assert.equal(error.code, 'temporarily_unavailable')
        assert.match(error.headers['Retry-After'] ?? '', /^[1-9]\d*$/)
        assert.equal(error.wwwAuthenticate, undefined, 'no challenge blaming the token')
      }
    })
  }

  test('per issuer entry and at the top level: both are asked', async () => {
    const top = denyList()
    const entry = denyList()
    top.state.revoked.add('by-top')
    entry.state.revoked.add('by-entry')
    const verifier = createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, isRevoked: top.isRevoked, issuers: [{ issuer: server.issuer, isRevoked: entry.isRevoked }] })
    await expectRefusal(verifier.verify(await server.mint({ jti: 'by-top' })), 'token_revoked', 401)
    await expectRefusal(verifier.verify(await server.mint({ jti: 'by-entry' })), 'token_revoked', 401)
    assert.equal((await verifier.verify(await server.mint({ jti: 'by-neither' }))).claims.jti, 'by-neither')
    const onlyEntry = createVerifier({ audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: server.issuer, isRevoked: entry.isRevoked }] })
    await expectRefusal(onlyEntry.verify(await server.mint({ jti: 'by-entry' })), 'token_revoked', 401)
  })

  test('not a function: a ConfigurationError at startup naming isRevoked', () => {
    for (const options of [
      { issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, isRevoked: true },
      { audience: TEST_AUDIENCE, allowInsecureHttp: true, isRevoked: 'jti', issuers: [{ issuer: server.issuer }] },
      { audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: server.issuer, isRevoked: new Set(['a']) }] },
    ]) {
      assert.throws(() => createVerifier(options as never), (error: unknown) => isConfigurationError(error) && error.option === 'isRevoked' && /"isRevoked" must be a function/.test(error.message))
    }
    assert.throws(() => createVerifier({ issuer: server.issuer, audience: TEST_AUDIENCE, allowInsecureHttp: true, isRevokd: () => false } as never), /did you mean "isRevoked"/)
  })
})

for (const runner of RUNNERS.filter((candidate) => candidate.name !== 'core')) {
  describe(`the isRevoked hook over ${runner.name}`, () => {
    const list = denyList()
    let subject: Runner
    before(async () => {
      subject = await runner.start({ issuer: server.issuer, audience: TEST_AUDIENCE, isRevoked: list.isRevoked })
    })
    after(() => subject.close())

    test('a cached token revoked between two requests: 200, then 401 token_revoked; an unanswerable hook is 503', async () => {
      list.state.mode = 'async'
      const token = await server.mint({ jti: `adapter-${runner.name}` })
      assert.deepEqual(await subject.present(token), { status: 200 })
      assert.deepEqual(await subject.present(token), { status: 200 }, 'seen twice: cached, whatever the admission')
      list.state.revoked.add(`adapter-${runner.name}`)
      assert.deepEqual(await subject.present(token), { status: 401, reason: 'token_revoked' })
      list.state.mode = 'rejects'
      assert.deepEqual(await subject.present(await server.mint()), { status: 503, reason: 'revocation_check_unavailable' })
    })
  })
}
