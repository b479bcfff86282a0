/**
 * The cold workload's token supply (bench/load/single-use.ts): every token is handed out once, across all
 * servers, and running out is counted (the bench refuses that run) instead of wrapping around to reuse one;
 * the pool is sized from the measured rates with headroom, rounded up to a stable step.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SingleUseTokens, tokensNeeded } from '../../bench/load/single-use.js'

test('each token once, then undefined and counted, never a wrap-around', () => {
  const supply = new SingleUseTokens(['a', 'b', 'c'])
  const handed = [supply.take(), supply.take(), supply.take()]
  assert.deepEqual(handed, ['a', 'b', 'c'])
  assert.equal(supply.remaining, 0)
  assert.equal(supply.take(), undefined)
  assert.equal(supply.take(), undefined)
  assert.equal(supply.exhausted, 2)
  assert.equal(supply.used, 3)
})

test('sized from the rates × seconds × headroom, rounded up to the step', () => {
  // (1000 + 3000) req/s × 10 s × 1.5 = 60000 → 75000 with a step of 25000
  assert.equal(tokensNeeded({ rates: [1000, 3000], seconds: 10, headroom: 1.5, step: 25_000 }), 75_000)
  assert.equal(tokensNeeded({ rates: [1000], seconds: 10, headroom: 1.5, step: 25_000 }), 25_000)
  assert.equal(tokensNeeded({ rates: [], seconds: 10, headroom: 1.5, step: 25_000 }), 25_000)
})
