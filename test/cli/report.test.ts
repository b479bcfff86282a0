/**
 * The lines of an explanation when a line derived from the token's values disagrees with `verify()`: the
 * verdict stays `verify()`'s and the line says so. Such disagreements cannot be produced through the CLI
 * while the derivations are right, so the explanation is a real one with its outcome or steps altered.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier, InvalidTokenError, type Verifier } from '@tokenguard/core'
import { explainToken, type Explanation } from '@tokenguard/core/explain'
import { checkLines, type LineInput } from '@tokenguard/cli'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'

let key: SigningKey
let verifier: Verifier

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } })
})

async function explained(claims: Record<string, unknown> = {}): Promise<{ explanation: Explanation; input: LineInput }> {
  const token = await signToken(key, claims)
  const explanation = await explainToken(verifier, token, {})
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>)
  const input: LineInput = {
    decoded: { length: token.length, segments: 3, header, claims: payload },
    settings: explanation.settings,
    verifierSettings: verifier.settings,
    now: nowSeconds(),
    scopes: [],
    anyScopes: [],
    keys: { source: 'file', from: 'keys.json', keyCount: 1, fetched: false },
  }
  return { explanation, input }
}

const refusal = (reason: 'token_expired' | 'verification_failed') => ({ accepted: false as const, error: new InvalidTokenError({ reason }) })

describe('lines that disagree with verify()', () => {
  test('verify() refused with token_expired while the derived exp line holds: the exp line fails and says it disagrees', async () => {
    const { explanation, input } = await explained()
    const lines = checkLines({ ...explanation, passed: explanation.passed.slice(0, 5), outcome: refusal('token_expired') }, input)
    const exp = lines.find((line) => line.id === 'exp')!
    assert.equal(exp.status, 'fail')
    assert.equal(exp.disagrees, true)
    assert.match(exp.note ?? '', /this check holds, yet verify\(\) refused with token_expired/)
  })

  test('verify() accepted while a derived line fails: the line passes and says it disagrees', async () => {
    const { explanation, input } = await explained()
    const lines = checkLines(explanation, { ...input, now: nowSeconds() + 3600 })
    const exp = lines.find((line) => line.id === 'exp')!
    assert.equal(exp.status, 'pass')
    assert.equal(exp.disagrees, true)
    assert.deepEqual(lines.filter((line) => line.disagrees === true).map((line) => line.id), ['exp'])
  })

  test('a refusal no line can hold is said as it is, not pinned on a wrong line', async () => {
    const { explanation, input } = await explained()
    const lines = checkLines({ ...explanation, passed: explanation.passed.slice(0, 7), outcome: refusal('verification_failed') }, input) // stopped at finite_times
    const failing = lines.filter((line) => line.status === 'fail')
    assert.deepEqual(failing.map((line) => line.id), ['other'])
    assert.equal(failing[0]!.reason, 'verification_failed')
    assert.ok(lines.slice(lines.indexOf(failing[0]!) + 1).every((line) => line.status === 'skip'))
  })

  test('agreeing lines carry no note', async () => {
    const { explanation, input } = await explained()
    assert.deepEqual(checkLines(explanation, input).filter((line) => line.note !== undefined), [])
  })
})
