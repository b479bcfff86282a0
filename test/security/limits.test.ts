/**
 * Resource and injection limits: the token length cap applies before any parsing or network; oversized
 * headers end in Node's 431, never a 500; and no attacker-controlled byte (`"`, `\`, CR, LF, non-ASCII)
 * reaches a `WWW-Authenticate` header or the operator's `error.detail`.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, TokenGuardError, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { parseChallenge } from '../support/challenge.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { asymmetricSign, b64url } from './forge.js'

const TIME_LIMIT_MS = 5000
// Every byte an attacker would like to see echoed: quote, backslash, CR, LF, NUL, non-ASCII, and a header.
const INJECTION = 'x"\\\r\nSet-Cookie: pwned=1\u0000é\u2028'
// Quotes delimit attributes; parseChallenge checks that none appears inside a value.
const FORBIDDEN = /[\r\n\u0000]|[^\x20-\x7e]|pwned|set-cookie/i

async function refusal(promise: Promise<unknown>): Promise<TokenGuardError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  assert.ok(error instanceof TokenGuardError, `expected a refusal, got ${String(error)}`)
  return error
}

describe('maximum token length', () => {
  let issuer: KeyServer
  before(async () => {
    issuer = await startKeyServer()
  })
  after(() => issuer.close())

  test('a 1 MB token is refused as token_too_large, at once, before any key fetch', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE }) // cold: any parse would fetch keys
    const token = `${b64url(JSON.stringify({ alg: 'RS256', kid: 'x' }))}.${'A'.repeat(1024 * 1024)}.sig`
    // "At once": the refusal settles before the event loop turns, i.e. nothing was waited on (no I/O, no
    // timer, no thread-pool job). A wall-clock bound said the same thing only while the process kept its core.
    const pending = verifier.verify(token)
    const first = await Promise.race([pending.then(() => 'verify', () => 'verify'), new Promise((resolve) => setImmediate(() => resolve('event loop')))])
    assert.equal(first, 'verify', 'settled before the event loop turned')
    const error = await refusal(pending)
    assert.equal(error.reason, 'token_too_large')
    assert.deepEqual(Object.entries(issuer.counts).filter(([, count]) => count > 0), [], 'nothing was fetched')
  })

  test('the default cap is 8192 characters: 8192 is parsed, 8193 is not', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    const atLimit = await refusal(verifier.verify('a'.repeat(8192)))
    assert.equal(atLimit.reason, 'token_malformed')
    const overLimit = await refusal(verifier.verify('a'.repeat(8193)))
    assert.equal(overLimit.reason, 'token_too_large')
  })

  test('a configured maxTokenLength is the cap, even for a valid token', async () => {
    const token = await issuer.mint()
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, maxTokenLength: token.length - 1 })
    assert.equal((await refusal(verifier.verify(token))).reason, 'token_too_large')
  })

  test('non-string tokens are refused, not thrown on', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    for (const value of [undefined, null, 42, {}, ['a.b.c'], '']) {
      assert.equal((await refusal(verifier.verify(value as unknown as string))).reason, 'token_malformed', JSON.stringify(value))
    }
  })
})

/** Tokens that carry the injection string where an error message might pick it up. */
async function injectionTokens(issuer: KeyServer): Promise<Array<[label: string, token: string]>> {
  const key = issuer.published[0]!
  const claims = (extra: Record<string, unknown>) => ({ iss: issuer.issuer, aud: TEST_AUDIENCE, sub: 's', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, ...extra })
  const signed = (header: Record<string, unknown>, payload: Record<string, unknown>) => asymmetricSign({ alg: 'RS256', kid: key.kid, ...header }, payload, key.privateKey, 'RS256')
  return [
    ['crit names it', signed({ crit: [INJECTION], [INJECTION]: 1 }, claims({}))],
    ['kid is it', signed({ kid: INJECTION }, claims({}))],
    ['typ is it', signed({ typ: INJECTION }, claims({}))],
    ['alg is it', signed({ alg: INJECTION }, claims({}))],
    ['aud is it', signed({}, claims({ aud: INJECTION }))],
    ['iss is it', signed({}, claims({ iss: INJECTION }))],
    ['exp is it', signed({}, claims({ exp: INJECTION }))],
    ['nbf is it', signed({}, claims({ nbf: INJECTION }))],
    ['an extra claim is it (and aud is wrong)', signed({}, { ...claims({ aud: 'https://other.tokenguard.test' }), [INJECTION]: INJECTION })],
    ['sub is missing and a claim is it', signed({}, { [INJECTION]: 1 })],
  ]
}

function assertSafeRefusal(label: string, challenge: string | null, detail: string | undefined): void {
  assert.ok(challenge !== null, `${label}: a challenge is sent`)
  const { params } = parseChallenge(challenge) // strict RFC 6750 grammar: fails on a stray quote or backslash
  assert.doesNotMatch(challenge, FORBIDDEN, `${label}: challenge ${JSON.stringify(challenge)}`)
  for (const value of Object.values(params)) assert.doesNotMatch(value, /["\\]/, `${label}: attribute ${JSON.stringify(value)}`)
  if (detail !== undefined) assert.doesNotMatch(detail, /[\r\n\u0000"\\]|[^\x20-\x7e]/, `${label}: detail ${JSON.stringify(detail)}`)
}

describe('no injected bytes in challenges or operator detail: core', () => {
  let issuer: KeyServer
  before(async () => {
    issuer = await startKeyServer()
  })
  after(() => issuer.close())

  test('every refusal of a token carrying the injection string is clean', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, requiredClaims: ['sub'] })
    for (const [label, token] of await injectionTokens(issuer)) {
      const error = await refusal(verifier.verify(token))
      assertSafeRefusal(label, error.wwwAuthenticate ?? null, error.detail)
    }
  })

  test('a raw token string with the injection bytes is refused cleanly too', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })
    const error = await refusal(verifier.verify(`${INJECTION}.${INJECTION}.${INJECTION}`))
    assert.equal(error.reason, 'token_malformed')
    assertSafeRefusal('raw', error.wwwAuthenticate ?? null, error.detail)
  })
})

for (const adapter of ADAPTERS) {
  describe(`limits over ${adapter.name}`, () => {
    let issuer: KeyServer
    let app: RunningApp
    let queryApp: RunningApp
    before(async () => {
      issuer = await startKeyServer()
      const options: VerifierOptions = { issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, requiredClaims: ['sub'] }
      app = await adapter.start(options)
      queryApp = await adapter.start({ ...options, allowQueryToken: true })
    })
    after(async () => {
      await app.close()
      await queryApp.close()
      await issuer.close()
    })

    const get = (target: RunningApp, path: string, authorization?: string) =>
      fetch(`${target.url}${path}`, { headers: authorization === undefined ? {} : { authorization }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })

    test('a 20 kB Authorization header ends in 431 from Node, never a 500', async () => {
      const response = await get(app, '/whoami', `Bearer ${'a'.repeat(20 * 1024)}`)
      await response.text()
      assert.equal(response.status, 431)
    })

    test('tokens carrying the injection string: clean challenges, no extra headers', async () => {
      for (const [label, token] of await injectionTokens(issuer)) {
        const before = app.refusals.length
        const response = await get(app, '/whoami', `Bearer ${token}`)
        await response.text()
        assert.equal(response.status, 401, label)
        assert.equal(response.headers.get('set-cookie'), null, label)
        assertSafeRefusal(label, response.headers.get('www-authenticate'), undefined)
        assert.equal(app.refusals.length, before + 1, `${label}: the refusal reached the operator channel`)
      }
    })

    test('Authorization headers with quote, backslash and Latin-1 bytes: a clean 400', async () => {
      for (const value of ['Bearer x"y', 'Bearer x\\y', 'Bearer é', `Bearer ${'"'.repeat(50)}`]) {
        const response = await get(app, '/whoami', value)
        await response.text()
        assert.equal(response.status, 400, value)
        assertSafeRefusal(value, response.headers.get('www-authenticate'), undefined)
      }
    })

    test('a query token with CR, LF, quote and non-ASCII (query tokens enabled): a clean 400', async () => {
      const response = await get(queryApp, `/whoami?access_token=${encodeURIComponent(INJECTION)}`)
      await response.text()
      assert.equal(response.status, 400)
      assertSafeRefusal('query', response.headers.get('www-authenticate'), undefined)
      assert.equal(response.headers.get('set-cookie'), null)
    })
  })
}
