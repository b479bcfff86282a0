/**
 * The attack corpus (corpus.ts) run against core `verify()` and over real HTTP through every adapter
 * (Express 5, Express 4, Fastify), each runner with its own real issuer and trap server on 127.0.0.1.
 * A hostile token must end in a refusal with the expected operator reason: never a 200, never a 500,
 * never a hang (every call and request is bounded in time).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test, type TestContext } from 'node:test'
import { createVerifier, TokenGuardError, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { parseChallenge } from '../support/challenge.js'
import { PROFILE_NAMES, profileOptions, REMOTE_VERIFIERS, startCorpusFixtures, freezeDate, type AttackCase, type CorpusFixtures, type ProfileName } from './corpus-fixtures.js'
import { allowedReasons, ATTACK_CASES, httpExpectation } from './corpus.js'

const TIME_LIMIT_MS = 5000
let executed = 0

/** The case's token; for a clock-sensitive case Date stays frozen until the test ends (`t.mock` resets it). */
async function buildToken(t: TestContext, c: AttackCase, f: CorpusFixtures): Promise<string> {
  if (c.clockSensitive) freezeDate(t.mock)
  return c.token(f)
}

/** Resolves `undefined` on acceptance or `{ error }` on refusal; fails the test if neither comes in time. */
async function settle(promise: Promise<unknown>, label: string): Promise<{ error: unknown } | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS)
  })
  try {
    return await Promise.race([promise.then(() => undefined, (error: unknown) => ({ error })), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function assertCoreRefusal(error: unknown, reasons: readonly string[]): void {
  assert.ok(error instanceof TokenGuardError, `expected a TokenGuardError, got ${String(error)}`)
  assert.equal(error.status, 401)
  assert.equal(error.code, 'invalid_token')
  assert.ok(reasons.includes(error.reason), `reason ${error.reason}, expected ${reasons.join(' or ')} (detail: ${error.detail})`)
  assert.match(error.detail ?? '', /^[\x20-\x7e]*$/, 'detail is printable ASCII only')
  assert.equal(parseChallenge(error.wwwAuthenticate ?? null).params.error, 'invalid_token')
}

/** No part of the token (and no library text) comes back to the client. */
function assertNothingEchoed(token: string, challenge: string | null, body: string): void {
  for (const part of token.split('.').filter((piece) => piece.length >= 12)) {
    assert.ok(!(challenge ?? '').includes(part), 'the challenge echoes token bytes')
    assert.ok(!body.includes(part), 'the body echoes token bytes')
  }
  assert.doesNotMatch(body, /jose|ERR_J|claim timestamp|signature verification/i, 'no library detail on the wire')
}

function assertKeySourceDiscipline(f: CorpusFixtures): void {
  assert.deepEqual(f.trap.requests.map((request) => request.url), [], 'no request may reach the trap (jku, x5u, attacker iss)')
  for (const [name, server] of [['issuer', f.issuer], ['other', f.other]] as const) {
    const verifiers = REMOTE_VERIFIERS[name]
    assert.equal(server.counts.discovery, verifiers, `${name}: one discovery per verifier`)
    assert.ok(server.counts.jwks <= 2 * verifiers, `${name}: key set fetches bounded (cold + one unknown-kid refetch per verifier), got ${server.counts.jwks}`)
    assert.equal(server.counts.other, 0, `${name}: no request built from token input reached it`)
  }
}

describe('attack corpus: core verify()', () => {
  let f: CorpusFixtures
  const verifiers = new Map<ProfileName, Verifier>()
  before(async () => {
    f = await startCorpusFixtures()
    for (const profile of PROFILE_NAMES) verifiers.set(profile, createVerifier(profileOptions(profile, f)))
  })
  after(() => f.close())

  for (const c of ATTACK_CASES) {
    test(c.name, async (t) => {
      const token = await buildToken(t, c, f)
      const result = await settle(verifiers.get(c.profile ?? 'default')!.verify(token), c.name)
      executed++
      if (c.expect === 'accepted') {
        assert.equal(result, undefined, `expected acceptance, got ${(result?.error as Error | undefined)?.message}`)
      } else {
        assert.ok(result !== undefined, 'a hostile token was accepted')
        assertCoreRefusal(result.error, allowedReasons(c))
      }
    })
  }

  test('nothing reached the trap; discovery and key set fetches stayed bounded', () => assertKeySourceDiscipline(f))
})

for (const adapter of ADAPTERS) {
  describe(`attack corpus over ${adapter.name}`, () => {
    let f: CorpusFixtures
    const apps = new Map<ProfileName, RunningApp>()
    before(async () => {
      f = await startCorpusFixtures()
      // apps.ts types its factory with single-issuer options; createVerifier, which it calls, takes both.
      for (const profile of PROFILE_NAMES) apps.set(profile, await adapter.start(profileOptions(profile, f) as VerifierOptions))
    })
    after(async () => {
      for (const app of apps.values()) await app.close()
      await f.close()
    })

    for (const c of ATTACK_CASES) {
      test(c.name, async (t) => {
        const token = await buildToken(t, c, f)
        const app = apps.get(c.profile ?? 'default')!
        const expected = httpExpectation(c, token)
        const refusalsBefore = app.refusals.length
        const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })
        const body = await response.text()
        executed++
        assert.equal(response.status, expected.status, `status (body: ${body.slice(0, 200)})`)
        if (expected.status === 200) return
        const challenge = response.headers.get('www-authenticate')
        const parsed = parseChallenge(challenge)
        assert.equal(parsed.scheme, 'Bearer')
        assert.equal(parsed.params.error, expected.error)
        const recorded = app.refusals.slice(refusalsBefore).map((refusal) => refusal.reason)
        assert.equal(recorded.length, 1, `one refusal recorded, got ${recorded.join(', ')}`)
        assert.ok(expected.reasons.includes(recorded[0]!), `reason ${recorded[0]}, expected ${expected.reasons.join(' or ')}`)
        assertNothingEchoed(token, challenge, body)
      })
    }

    test('nothing reached the trap; discovery and key set fetches stayed bounded', () => assertKeySourceDiscipline(f))
  })
}

describe('attack corpus totals', () => {
  test('every case ran against core and every adapter', (t) => {
    const runners = 1 + ADAPTERS.length
    t.diagnostic(`${ATTACK_CASES.length} cases × ${runners} runners (core, ${ADAPTERS.map((a) => a.name).join(', ')}) = ${executed} executions`)
    assert.equal(executed, ATTACK_CASES.length * runners)
  })
})
