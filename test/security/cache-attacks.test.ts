/**
 * The verified-token cache must never turn a refusal into an acceptance: an altered copy of a cached token,
 * a cached token whose key left the key set, a cached token past its `exp`, or a cached token presented to
 * a route that needs more scope. Run against core and over every adapter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, TokenGuardError, type Verifier } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { decodeSegment, splitToken, tamperPayload, tamperSignature } from './forge.js'

const TIME_LIMIT_MS = 5000

/** The outcome of one presentation, as a status and a reason, whatever the runner. */
interface Outcome {
  status: number
  reason?: string
}

interface Runner {
  present(token: string, scopes?: string[]): Promise<Outcome>
  verifier: Verifier
  close(): Promise<void>
}

async function coreRunner(issuer: KeyServer): Promise<Runner> {
  const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })
  return {
    verifier,
    async present(token, scopes) {
      try {
        await verifier.verify(token, scopes === undefined ? undefined : { scopes })
        return { status: 200 }
      } catch (error) {
        assert.ok(error instanceof TokenGuardError, `not a TokenGuardError: ${String(error)}`)
        return { status: error.status, reason: error.reason }
      }
    },
    close: async () => undefined,
  }
}

async function httpRunner(start: (typeof ADAPTERS)[number]['start'], issuer: KeyServer): Promise<Runner> {
  const app: RunningApp = await start({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })
  return {
    verifier: app.verifier,
    async present(token, scopes) {
      // GET /whoami needs any valid token; POST /data needs write:data.
      const method = scopes?.includes('write:data') ? 'POST' : 'GET'
      const path = method === 'POST' ? '/data' : '/whoami'
      const before = app.refusals.length
      const response = await fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })
      await response.text()
      const reason = app.refusals.slice(before)[0]?.reason
      return reason === undefined ? { status: response.status } : { status: response.status, reason }
    },
    close: () => app.close(),
  }
}

// RSA key generation is the slow part of this file: two keys, shared by every runner's own issuer.
let sharedKeys: Promise<{ signing: SigningKey; rotated: SigningKey }> | undefined
const keys = () => (sharedKeys ??= Promise.all([generateSigningKey('RS256', 'cache-signing'), generateSigningKey('RS256', 'cache-rotated')]).then(([signing, rotated]) => ({ signing, rotated })))

const RUNNERS: ReadonlyArray<{ name: string; start(issuer: KeyServer): Promise<Runner> }> = [
  { name: 'core', start: coreRunner },
  ...ADAPTERS.map((adapter) => ({ name: adapter.name, start: (issuer: KeyServer) => httpRunner(adapter.start, issuer) })),
]

for (const runner of RUNNERS) {
  describe(`verified-token cache under attack: ${runner.name}`, () => {
    let issuer: KeyServer
    let subject: Runner
    before(async () => {
      issuer = await startKeyServer({ keys: [(await keys()).signing] })
      subject = await runner.start(issuer)
    })
    after(async () => {
      await subject.close()
      await issuer.close()
    })

    test('a cached token stays valid, but altered copies of it are refused, every time', async () => {
      const token = await issuer.mint()
      assert.deepEqual(await subject.present(token), { status: 200 })
      assert.deepEqual(await subject.present(token), { status: 200 }, 'second presentation (cache hit)')
      const forgedSignature = tamperSignature(token)
      const widenedScope = tamperPayload(token, { ...decodeSegment(splitToken(token)[1]), scope: 'read:data write:data admin' })
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(await subject.present(forgedSignature), { status: 401, reason: 'signature_invalid' }, `forged signature, round ${round}`)
        assert.deepEqual(await subject.present(widenedScope), { status: 401, reason: 'signature_invalid' }, `widened scope, round ${round}`)
      }
      assert.deepEqual(await subject.present(token), { status: 200 }, 'the original is unaffected')
    })

    test('a cache hit still gets the route\'s scope check', async () => {
      const token = await issuer.mint({ scope: 'read:data' })
      assert.deepEqual(await subject.present(token), { status: 200 })
      assert.deepEqual(await subject.present(token, ['write:data']), { status: 403, reason: 'insufficient_scope' })
    })

    test('a cached token is refused once its key leaves the key set', async () => {
      const token = await issuer.mint()
      assert.deepEqual(await subject.present(token), { status: 200 })
      issuer.published = [(await keys()).rotated]
      await subject.verifier.keySource.refresh()
      const outcome = await subject.present(token)
      assert.equal(outcome.status, 401, 'the token of a removed key')
      assert.equal(outcome.reason, 'key_not_found')
    })
  })
}

describe('verified-token cache under attack: expiry', () => {
  test('a cached token is refused once exp passes (no tolerance configured)', async (t) => {
    const issuer = await startKeyServer({ keys: [(await keys()).signing] })
    try {
      const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, clockTolerance: 0 })
      // The clock stands still until the test moves it past exp: the token is valid for both first
      // verifications however long a loaded machine takes over them (timers and I/O stay real).
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
      const exp = Math.floor(Date.now() / 1000) + 1
      const token = await issuer.mint({ exp })
      await verifier.verify(token)
      await verifier.verify(token) // now served from the cache
      t.mock.timers.tick(exp * 1000 - Date.now() + 20)
      await assert.rejects(verifier.verify(token), (error: unknown) => error instanceof TokenGuardError && error.reason === 'token_expired')
    } finally {
      await issuer.close()
    }
  })
})
