/**
 * The verified-token cache's byte budget counts what an entry keeps alive (issue 12, finding 6): claims
 * made of many small objects take far more heap than their JSON length, so the same budget holds far fewer
 * of them than of plain tokens of the same length. Cache residency is observed from outside: a hit returns
 * the very AuthContext object the entry holds. (`npm run bench:memory-budget` measures the heap itself.)
 *
 * Before the fix (observed on main): the budget was 2 × token length + 1 KiB whatever the claims, so
 * twenty 7.8 KB small-object tokens fit a 1 MiB budget (and grew the heap ~7× past it).
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, test } from 'node:test'
import { createVerifier, type Verifier } from '@tokenguard/core'
import { LOCAL_ISSUER, nowSeconds, TEST_SECRET } from '../support/local-tokens.js'
import { TEST_AUDIENCE } from '../support/key-server.js'

const BUDGET = 1024 * 1024
const TOKENS = 20

function hs256(index: number, x: unknown): string {
  const now = nowSeconds()
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')
  const payload = Buffer.from(JSON.stringify({ iss: LOCAL_ISSUER, aud: TEST_AUDIENCE, sub: `client-${index}`, iat: now, exp: now + 300, jti: `budget-${index}`, x })).toString('base64url')
  const input = `${header}.${payload}`
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`
}

/** Verifies `tokens` in order, then says whether the first is still the cached entry. */
async function firstStillCached(verifier: Verifier, tokens: string[]): Promise<boolean> {
  const first = await verifier.verify(tokens[0]!)
  for (const token of tokens.slice(1)) await verifier.verify(token)
  return (await verifier.verify(tokens[0]!)) === first
}

describe('the token cache budget counts the stored claims', () => {
  const budgetVerifier = () => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret: TEST_SECRET, algorithms: ['HS256'], tokenCache: { maxSize: BUDGET } })
  const smallObjects = Array.from({ length: 1900 }, () => ({}))
  const adversarial = Array.from({ length: TOKENS }, (_, index) => hs256(index, smallObjects))
  const plain = Array.from({ length: TOKENS }, (_, index) => hs256(index, 'x'.repeat(5650)))

  test('the two kinds of token are alike in length (about 7.8 KB)', () => {
    assert.ok(Math.abs(adversarial[0]!.length - plain[0]!.length) < 100, `${adversarial[0]!.length} vs ${plain[0]!.length}`)
  })

  test('twenty plain tokens fit a 1 MiB budget', async () => {
    assert.equal(await firstStillCached(budgetVerifier(), plain), true)
  })

  test('twenty small-object tokens do not: the first is evicted', async () => {
    assert.equal(await firstStillCached(budgetVerifier(), adversarial), false)
  })
})
