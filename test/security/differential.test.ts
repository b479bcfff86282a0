/**
 * The differential test of issue 18 at the verify layer: the Node engine (`jwt-verify-node.ts`, signature
 * step by `node:crypto`) against the reference (`jwt-verify-jose.ts`, jose's `jwtVerify`), on every corpus
 * case, every Wycheproof vector, the valid and claim-failing tokens of every algorithm family, and a
 * fixed-seed share of mutants of them (`DIFFERENTIAL_MUTANTS`, default 5 000; `npm run differential` runs
 * 100 000). Any disagreement in the decision fails (differential-outcome.ts says what agreement is); the
 * controls show that a broken engine is caught. differential-decision.test.ts compares whole decisions.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test, type TestContext } from 'node:test'
import { startCorpusFixtures, type CorpusFixtures } from './corpus-fixtures.js'
import { ATTACK_CASES } from './corpus.js'
import { corpusSubjects } from './differential-corpus.js'
import { acceptsAnySignature, loadEngines, readsLeniently, renamesExpiry, type Engine } from './differential-engines.js'
import { SIGNATURE_MUTATION_KINDS } from './differential-mutations.js'
import { loadWycheproof, MUTANT_SEED, mutantSubjects, targetSubjects, wycheproofSubjects } from './differential-sources.js'
import { compareAll, compareOne, describeTally, newTally, type LabelledSubject, type Tally } from './differential-tally.js'
import { createTargets, type Target } from './differential-targets.js'

const MUTANTS = Number(process.env.DIFFERENTIAL_MUTANTS ?? 5000)

let native: Engine
let jose: Engine
let targets: Target[]
let f: CorpusFixtures

before(async () => {
  ;({ native, jose } = await loadEngines())
  targets = createTargets()
  f = await startCorpusFixtures()
})
after(() => f.close())

/** Reports the tally and fails on any disagreement, showing the first ones. */
function assertAgreement(t: TestContext, tally: Tally, first = native, second = jose): void {
  const lines = describeTally(tally, first, second)
  for (const line of lines) t.diagnostic(line)
  assert.equal(tally.agreements + tally.disagreements, tally.compared)
  assert.equal(tally.disagreements, 0, lines.join('\n'))
}

describe('differential: node:crypto engine vs jose, at the verify layer', () => {
  test('the engines are core\'s two, and the Node one counts its routes', () => {
    assert.equal(native.name, 'node:crypto')
    assert.equal(jose.name, 'jose')
    assert.notEqual(native.verifyJwt, jose.verifyJwt)
    assert.ok(native.routes !== undefined, 'jwt-verify-node.js exports no engineRoutes counter: the native share cannot be shown')
    assert.equal(native.decodeUnverified === undefined, jose.decodeUnverified === undefined, 'both engines read tokens unverified, or neither')
  })

  test('every target under each of its setups: valid ones accepted by both, the rest refused alike', async (t) => {
    const tally = newTally('targets')
    for (const target of targets) {
      for (const [index, { name, setup }] of target.setups.entries()) {
        const subject: LabelledSubject = { label: `${target.name} under ${name}`, token: target.token, key: setup.resolver, options: setup.options }
        const [outcome] = await compareOne(native, jose, subject, tally)
        if (index === 0) assert.equal(outcome.accepted, target.valid, `${subject.label}: ${outcome.accepted ? 'accepted' : 'refused'}`)
      }
    }
    assertAgreement(t, tally)
    assert.equal(tally.compared, [...targetSubjects(targets)].length)
    assert.ok(tally.routes.native >= targets.filter((target) => target.valid).length, 'every valid token went the native way at least once')
  })

  test('the attack corpus, every case of every profile', async (t) => {
    const tally = await compareAll(native, jose, corpusSubjects(f), newTally('attack corpus'))
    assertAgreement(t, tally)
    assert.equal(tally.compared, ATTACK_CASES.length)
    assert.ok(tally.routes.native > 0 && tally.routes.jose > 0, 'both routes are taken by the corpus')
  })

  test('every Wycheproof JSON Web Signature vector', async (t) => {
    const tally = await compareAll(native, jose, wycheproofSubjects(), newTally('Wycheproof'))
    assertAgreement(t, tally)
    assert.ok(tally.compared >= loadWycheproof().numberOfTests, 'every vector at least once')
    assert.ok(tally.routes.native > 0, 'some vectors take the native signature step')
  })

  test(`${MUTANTS} mutants of the targets (seed ${MUTANT_SEED})`, async (t) => {
    const tally = await compareAll(native, jose, mutantSubjects(targets, MUTANTS), newTally('mutants'))
    assertAgreement(t, tally)
    assert.equal(tally.compared, MUTANTS)
    // Mutants must reach the signature step and sometimes survive it, or the comparison proves little.
    assert.ok(tally.routes.native >= MUTANTS / 5, `only ${tally.routes.native} mutants took the native signature step`)
    assert.ok(tally.accepted > 0, 'no mutant was accepted (not even the unmodified ones and the high-s twins)')
    for (const kind of SIGNATURE_MUTATION_KINDS) assert.ok((tally.groups.get(`mutation: ${kind}`)?.native ?? 0) > 0, `no "${kind}" mutant took the native signature step`)
    for (const target of targets) assert.ok(tally.groups.has(`signed: ${target.alg}`), `no mutant of a ${target.alg} token`)
  })
})

describe('differential controls: a broken engine is reported', () => {
  test('an engine that accepts any ES256 signature is caught accepting mutated ES256 tokens', async () => {
    const broken = acceptsAnySignature('ES256')
    const tally = await compareAll(broken, jose, mutantSubjects(targets, 2000), newTally('broken ES256'))
    assert.ok(tally.acceptedOnlyByFirst > 0, 'the false acceptances were not caught')
    assert.equal(tally.acceptedOnlyBySecond, 0)
    for (const example of tally.examples) assert.match(example.second, /JWSSignatureVerificationFailed/, 'only signature failures were turned into something else')
  })

  test('an engine that turns JWTExpired into JWTClaimValidationFailed disagrees on the expired targets', async () => {
    const broken = renamesExpiry()
    const expired = [...targetSubjects(targets)].filter((subject) => subject.label.includes('expired'))
    assert.ok(expired.length > 0)
    const tally = await compareAll(broken, jose, expired, newTally('broken expiry'))
    assert.ok(tally.disagreements > 0, 'the broken engine was not caught')
    assert.ok(tally.examples.every((example) => /refused differently: JWTClaimValidationFailed .* vs JWTExpired/.test(example.why)), tally.examples.map((e) => e.why).join('\n'))
  })

  test('an engine that reads unverified tokens with lenient UTF-8 disagrees on mutants with broken UTF-8', async () => {
    const tally = await compareAll(readsLeniently(), jose, mutantSubjects(targets, 2000), newTally('broken reading'))
    assert.ok(tally.disagreements > 0, 'the broken reading was not caught')
    assert.ok(tally.examples.every((example) => example.why.startsWith('decodeUnverified differs')), tally.examples.map((e) => e.why).join('\n'))
  })

  test('the same engine on both sides agrees with itself (the comparison is not always failing)', async () => {
    const tally = await compareAll(jose, jose, mutantSubjects(targets, 300), newTally('jose vs jose'))
    assert.equal(tally.disagreements, 0)
  })
})
