/**
 * Property-based fuzzing of `extractToken` with a fixed seed (reproducible in CI; `npm run fuzz` runs the
 * long campaign with a random seed). Arbitrary header, query and body shapes must end in a b64token taken
 * from the request, `undefined`, or an `InvalidRequestError`: nothing else.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { checkExtract } from './fuzz-properties.js'
import { extractOptions, extractRequest } from './request-arbitraries.js'

const SEED = 20_260_412
const RUNS = 2000

test(`extractToken: ${RUNS} arbitrary requests (seed ${SEED})`, (t) => {
  const outcomes = new Map<string, number>()
  fc.assert(
    fc.property(extractRequest, extractOptions, (request, options) => {
      const verdict = checkExtract(request, options)
      assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.kind}: ${verdict.message}`)
      outcomes.set(verdict.outcome!, (outcomes.get(verdict.outcome!) ?? 0) + 1)
    }),
    { seed: SEED, numRuns: RUNS },
  )
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`)
  // The generators must reach every outcome often, or the property proves little.
  for (const kind of ['token', 'none', 'refused']) assert.ok((outcomes.get(kind) ?? 0) >= RUNS / 20, `outcome ${kind} too rare`)
})
