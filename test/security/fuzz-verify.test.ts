/**
 * Property-based fuzzing of `verify` with a fixed seed: real RS256, ES256 and HS256 tokens, mutated (bit
 * flips, segment swaps, re-encodings, truncations, insertions, edited members). Only the unmodified token
 * may verify; every mutation must be refused with a `TokenGuardError`, never another exception.
 */
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import fc from 'fast-check'
import { checkVerify, createVerifyTargets, type VerifyTarget } from './fuzz-properties.js'
import { tokenMutation } from './mutations.js'

const SEED = 20_260_412
const RUNS = 1500

let targets: VerifyTarget[]
before(async () => {
  targets = await createVerifyTargets()
})

test('the unmodified tokens verify (the property would be vacuous otherwise)', async () => {
  for (const target of targets) await target.verifier.verify(target.token)
})

test(`verify: ${RUNS} mutated tokens (seed ${SEED})`, async (t) => {
  const outcomes = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(fc.nat(targets.length - 1), tokenMutation, async (index, mutation) => {
      const verdict = await checkVerify(targets[index]!, mutation)
      assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.kind}: ${verdict.message}`)
      outcomes.set(verdict.outcome!, (outcomes.get(verdict.outcome!) ?? 0) + 1)
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`)
  // Mutations must mostly change the token and reach the signature check, or the property proves little.
  assert.ok((outcomes.get('unmodified') ?? 0) < RUNS / 10, 'too many mutations left the token unchanged')
  assert.ok((outcomes.get('signature_invalid') ?? 0) >= RUNS / 10, 'too few mutations reached the signature check')
})
