/**
 * Issue 17 item 3: express-oauth2-jwt-bearer's own test cases (auth0/node-oauth2-jwt-bearer, v1.10.0),
 * replayed against tokenguard over real servers on 127.0.0.1. Each case is named as the peer names it and
 * says how tokenguard compares: `same` (what the peer's test expects), `built` (a gap this branch closed),
 * `stricter` (tokenguard refuses, or refuses earlier), `different` (another form or status, on purpose).
 * The migration guide's table of replayed cases must list exactly these cases and outcomes.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import { DISCOVERY_CASES } from './replay/discovery.js'
import { createEnv, type ReplayCase } from './replay/env.js'
import { EXPRESS_CASES, GET_TOKEN_CASES } from './replay/express.js'
import { JWT_VERIFIER_CASES } from './replay/jwt-verifier.js'
import { MCD_CASES } from './replay/mcd.js'
import { CLAIM_CHECK_CASES, VALIDATE_CASES } from './replay/validate-claims.js'

const CASES: readonly ReplayCase[] = [...JWT_VERIFIER_CASES, ...MCD_CASES, ...VALIDATE_CASES, ...CLAIM_CHECK_CASES, ...DISCOVERY_CASES, ...EXPRESS_CASES, ...GET_TOKEN_CASES]
const GUIDE = new URL('../../../docs/migrate-from-express-oauth2-jwt-bearer.md', import.meta.url)

let issuer: TestIssuer
before(async () => {
  issuer = await createTestIssuer()
})
after(() => issuer.stop())

describe('issue 17 item 3: express-oauth2-jwt-bearer\'s test cases, replayed against tokenguard', () => {
  for (const replayed of CASES) {
    test(`[${replayed.outcome}] ${replayed.file} › ${replayed.name}`, async () => {
      const env = createEnv(issuer)
      try {
        await replayed.run(env)
      } finally {
        await env.cleanup()
      }
    })
  }
})

/** The guide's table rows, as the test expects them (also what a failure prints, to paste). */
function tableRows(cases: readonly ReplayCase[]): string[] {
  return cases.map((entry) => `| ${entry.file} | ${entry.name.replaceAll('|', '\\|')} | ${entry.outcome} | ${entry.note.replaceAll('|', '\\|')} |`)
}

test('issue 17 item 3: every replayed case is named once, and the migration guide lists exactly them', () => {
  const names = CASES.map((entry) => `${entry.file} › ${entry.name}`)
  assert.equal(new Set(names).size, names.length, 'no case is listed twice')
  const guide = readFileSync(GUIDE, 'utf8')
  const table = /<!-- replay:start -->\n([\s\S]*?)<!-- replay:end -->/.exec(guide)?.[1] ?? ''
  const listed = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| peer test file') && !line.startsWith('| ---'))
  const expected = tableRows(CASES)
  assert.deepEqual(listed, expected, `the guide's replay table is out of date; it should read:\n${expected.join('\n')}`)
  const count = (outcome: ReplayCase['outcome']) => CASES.filter((entry) => entry.outcome === outcome).length
  const summary = `${CASES.length} cases: ${(['same', 'built', 'stricter', 'different'] as const).map((outcome) => `${count(outcome)} ${outcome}`).join(', ')}`
  assert.ok(guide.includes(summary), `the guide states the counts: "${summary}"`)
})
