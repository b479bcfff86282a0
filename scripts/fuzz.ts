/**
 * The long fuzzing campaign behind `npm run fuzz`: the two properties of test/security/fuzz-properties.ts,
 * 60 000 cases each by default, with a random seed that is printed (pass it back with `--seed` to replay).
 * Unlike the quick runs in `npm test`, it does not stop at the first violation: it counts every one by
 * kind and prints a few examples, then exits 1 if there was any.
 *
 * Usage: npm run fuzz [-- --seed 1234] [-- --runs 100000]
 */
import { parseArgs } from 'node:util'
import fc from 'fast-check'
import { checkExtract, checkVerify, createVerifyTargets, type Verdict } from '../test/security/fuzz-properties.js'
import { tokenMutation } from '../test/security/mutations.js'
import { extractOptions, extractRequest } from '../test/security/request-arbitraries.js'

const EXAMPLES_PER_KIND = 3

interface Tally {
  cases: number
  violations: Map<string, { count: number; examples: string[] }>
  outcomes: Map<string, number>
}

function newTally(): Tally {
  return { cases: 0, violations: new Map(), outcomes: new Map() }
}

function record(tally: Tally, verdict: Verdict): true {
  tally.cases++
  if (verdict.ok) {
    const outcome = verdict.outcome ?? 'ok'
    tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1)
  } else {
    const entry = tally.violations.get(verdict.kind) ?? { count: 0, examples: [] }
    entry.count++
    if (entry.examples.length < EXAMPLES_PER_KIND) entry.examples.push(verdict.message.slice(0, 400))
    tally.violations.set(verdict.kind, entry)
  }
  return true // keep going: the campaign counts violations instead of shrinking the first one
}

function report(name: string, tally: Tally, milliseconds: number): void {
  console.log(`\n${name}: ${tally.cases} cases in ${(milliseconds / 1000).toFixed(1)} s (${Math.round(tally.cases / (milliseconds / 1000))}/s)`)
  const outcomes = [...tally.outcomes].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${outcome} ${count}`)
  console.log(`  outcomes: ${outcomes.join(', ')}`)
  if (tally.violations.size === 0) console.log('  violations: none')
  for (const [kind, { count, examples }] of tally.violations) {
    console.log(`  VIOLATION ${kind}: ${count}`)
    for (const example of examples) console.log(`    e.g. ${example}`)
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' } } })
  const seed = values.seed === undefined ? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0 : Number(values.seed)
  const runs = values.runs === undefined ? 60_000 : Number(values.runs)
  if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs <= 0) throw new TypeError('--seed and --runs must be integers')
  console.log(`tokenguard fuzz campaign: seed ${seed}, ${runs} cases per property (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`)

  const extract = newTally()
  let started = performance.now()
  fc.assert(fc.property(extractRequest, extractOptions, (request, options) => record(extract, checkExtract(request, options))), { seed, numRuns: runs })
  report('extractToken', extract, performance.now() - started)

  const verify = newTally()
  const targets = await createVerifyTargets()
  started = performance.now()
  await fc.assert(
    fc.asyncProperty(fc.nat(targets.length - 1), tokenMutation, async (index, mutation) => record(verify, await checkVerify(targets[index]!, mutation))),
    { seed, numRuns: runs },
  )
  report('verify (mutated RS256, ES256, two-issuer and HS256 tokens)', verify, performance.now() - started)

  const total = extract.cases + verify.cases
  const violations = [...extract.violations.values(), ...verify.violations.values()].reduce((sum, entry) => sum + entry.count, 0)
  console.log(`\ntotal: ${total} cases, ${violations} violations (seed ${seed})`)
  process.exitCode = violations > 0 ? 1 : 0
}

await main()
