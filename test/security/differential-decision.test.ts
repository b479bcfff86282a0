/**
 * The differential test of issue 18 at the decision level: the attack corpus through the whole verifier
 * (differential-decisions.ts) with the Node engine in this process and with jose in a child started with
 * `--conditions=tokenguard-jose`, compared case by case (accepted or refused, status, code, reason). The
 * control runs a child whose `#jwt-verify` is a broken engine, and the comparison must report it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type * as NodeEngine from '../../packages/core/dist/jwt-verify-node.js'
import { ATTACK_CASES } from './corpus.js'
import { childRun, decideCorpus, decisionDifferences } from './differential-decisions.js'

const { engineRoutes } = (await import(new URL('../../../packages/core/dist/jwt-verify-node.js', import.meta.url).href)) as typeof NodeEngine

test('corpus case names are unique (decisions are matched by name)', () => {
  assert.equal(new Set(ATTACK_CASES.map((c) => c.name)).size, ATTACK_CASES.length)
})

test('the whole verifier decides every corpus case alike with node:crypto (here) and jose (a child)', async (t) => {
  const before = { ...engineRoutes }
  const [native, jose] = await Promise.all([decideCorpus(), childRun(['--conditions=tokenguard-jose'])])
  assert.equal(native.engine, 'node:crypto')
  assert.equal(jose.engine, 'jose')
  assert.ok(engineRoutes.native > before.native, 'this process took the native signature step')
  for (const run of [native, jose]) {
    assert.equal(run.decisions.length, ATTACK_CASES.length)
    assert.deepEqual(run.decisions.filter((decision) => decision.foreign !== undefined), [], `${run.engine}: only TokenGuardErrors`)
  }
  const differences = decisionDifferences(native, jose)
  const accepted = native.decisions.filter((decision) => decision.accepted).length
  t.diagnostic(`${native.decisions.length} cases, ${accepted} accepted, ${native.decisions.length - accepted} refused; ` +
    `native signature step ${engineRoutes.native - before.native}, handed to jose ${engineRoutes.jose - before.jose}; ${differences.length} differences`)
  assert.deepEqual(differences, [])
})

test('control: a child whose #jwt-verify accepts any RS256 signature is reported, on the signature cases', async () => {
  const [jose, broken] = await Promise.all([
    childRun(['--conditions=tokenguard-jose']),
    childRun(['--conditions=tokenguard-jose'], { DIFFERENTIAL_BROKEN_ENGINE: '1' }),
  ])
  assert.equal(broken.engine, 'broken: accepts any RS256 signature')
  const differences = decisionDifferences(jose, broken)
  assert.ok(differences.length > 0, 'the broken engine was not caught')
  const falseAcceptances = broken.decisions.filter((decision, index) => decision.accepted && !jose.decisions[index]!.accepted)
  assert.ok(falseAcceptances.some((decision) => /signature/.test(decision.name)), falseAcceptances.map((decision) => decision.name).join('\n'))
})
