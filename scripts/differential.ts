/**
 * The full differential run of issue 18 behind `npm run differential`: the Node signature engine against jose
 * on the targets of every algorithm family, the attack corpus, every Wycheproof vector and 100 000 mutants
 * (fixed seed; `--mutants N` and `--seed S` change them), then the corpus through the whole verifier here and
 * in a `--conditions=tokenguard-jose` child. Unlike `npm test`'s share it does not stop at the first
 * disagreement: it prints the counts of every source, the first disagreements, and exits 1 if there was any.
 *
 * Usage: npm run differential [-- --mutants 100000] [-- --seed 20261201]
 */
import { parseArgs } from 'node:util'
import { startCorpusFixtures } from '../test/security/corpus-fixtures.js'
import { corpusSubjects } from '../test/security/differential-corpus.js'
import { childRun, decideCorpus, decisionDifferences } from '../test/security/differential-decisions.js'
import { loadEngines } from '../test/security/differential-engines.js'
import { MUTANT_SEED, mutantSubjects, targetSubjects, wycheproofSubjects } from '../test/security/differential-sources.js'
import { compareAll, describeTally, newTally, type LabelledSubject, type Tally } from '../test/security/differential-tally.js'
import { createTargets } from '../test/security/differential-targets.js'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mutants: { type: 'string' }, seed: { type: 'string' } } })
  const mutants = values.mutants === undefined ? 100_000 : Number(values.mutants)
  const seed = values.seed === undefined ? MUTANT_SEED : Number(values.seed)
  if (!Number.isInteger(mutants) || mutants <= 0 || !Number.isInteger(seed)) throw new TypeError('--mutants must be a positive integer and --seed an integer')
  const { native, jose } = await loadEngines()
  if (native.routes === undefined) throw new TypeError('jwt-verify-node.js exports no engineRoutes counter')
  console.log(`tokenguard differential run: ${native.name} vs ${jose.name}, ${mutants} mutants (seed ${seed})\n`)

  const targets = createTargets()
  const fixtures = await startCorpusFixtures()
  const tallies: Tally[] = []
  const sources: Array<[string, Iterable<LabelledSubject> | AsyncIterable<LabelledSubject>]> = [
    ['targets (every family, valid and claim-failing, unmodified)', targetSubjects(targets)],
    ['attack corpus (every profile)', corpusSubjects(fixtures)],
    ['Wycheproof JSON Web Signature vectors', wycheproofSubjects()],
    [`mutants (seed ${seed})`, mutantSubjects(targets, mutants, seed)],
  ]
  try {
    for (const [name, subjects] of sources) {
      const started = performance.now()
      const tally = await compareAll(native, jose, subjects, newTally(name))
      tallies.push(tally)
      for (const line of describeTally(tally, native, jose)) console.log(line)
      console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
    }
  } finally {
    await fixtures.close()
  }

  const before = { ...native.routes }
  const [here, child] = await Promise.all([decideCorpus(), childRun(['--conditions=tokenguard-jose'])])
  const differences = decisionDifferences(here, child)
  console.log(`decisions (whole verifier, corpus): ${here.decisions.length} cases, ${here.engine} here vs ${child.engine} in a child, ${here.decisions.length - differences.length} alike, ${differences.length} different`)
  console.log(`  ${here.engine} routes: native signature step ${native.routes.native - before.native}, handed to jose ${native.routes.jose - before.jose}`)
  for (const difference of differences.slice(0, 10)) console.log(`  DIFFERENT ${difference}`)

  const compared = tallies.reduce((sum, tally) => sum + tally.compared, 0)
  const disagreements = tallies.reduce((sum, tally) => sum + tally.disagreements, 0)
  const routes = tallies.reduce((sum, tally) => ({ native: sum.native + tally.routes.native, jose: sum.jose + tally.routes.jose, neither: sum.neither + tally.routes.neither }), { native: 0, jose: 0, neither: 0 })
  console.log(`\ntotal at the verify layer: ${compared} compared, ${compared - disagreements} agreements, ${disagreements} disagreements; ` +
    `native signature step ${routes.native}, handed to jose ${routes.jose}, neither ${routes.neither}`)
  console.log(`total at the decision level: ${here.decisions.length} cases, ${differences.length} differences`)
  process.exitCode = disagreements + differences.length > 0 ? 1 : 0
}

await main()
