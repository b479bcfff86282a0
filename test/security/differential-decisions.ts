/**
 * The attack corpus through the whole verifier (`createVerifier(...).verify`, one verifier per profile, real
 * issuers on 127.0.0.1, as attacks.test.ts runs it), with whatever signature engine this process resolved for
 * core's `#jwt-verify`. differential-decision.test.ts runs it here (Node: node:crypto) and in a child under
 * `--conditions=tokenguard-jose` (differential-decision-child.ts), and compares the decisions case by case.
 */
import { execFile } from 'node:child_process'
import { mock } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createVerifier, SIGNATURE_ENGINE, TokenGuardError, type Verifier } from '@tokenguard/core'
import { PROFILE_NAMES, profileOptions, startCorpusFixtures, freezeDate, type ProfileName } from './corpus-fixtures.js'
import { ATTACK_CASES } from './corpus.js'

/** One case's decision: accepted, or refused with its status, wire code and operator reason (or a foreign error). */
export interface Decision {
  name: string
  accepted: boolean
  status?: number
  code?: string
  reason?: string
  /** Set when verify threw something other than a TokenGuardError (a bug whichever engine it is). */
  foreign?: string
}

/** What a run reports: the engine that decided, and every case's decision in corpus order. */
export interface DecisionRun {
  engine: string
  decisions: Decision[]
}

async function decide(verifier: Verifier, name: string, token: string): Promise<Decision> {
  try {
    await verifier.verify(token)
    return { name, accepted: true }
  } catch (error) {
    if (!(error instanceof TokenGuardError)) return { name, accepted: false, foreign: String(error) }
    return { name, accepted: false, status: error.status, code: error.code, reason: error.reason }
  }
}

/** Runs every corpus case once through a fresh set of verifiers and issuers. */
export async function decideCorpus(): Promise<DecisionRun> {
  const f = await startCorpusFixtures()
  try {
    const verifiers = new Map<ProfileName, Verifier>(PROFILE_NAMES.map((profile) => [profile, createVerifier(profileOptions(profile, f))]))
    const decisions: Decision[] = []
    for (const c of ATTACK_CASES) {
      if (c.clockSensitive) freezeDate(mock)
      try {
        decisions.push(await decide(verifiers.get(c.profile ?? 'default')!, c.name, await c.token(f)))
      } finally {
        if (c.clockSensitive) mock.timers.reset()
      }
    }
    return { engine: SIGNATURE_ENGINE, decisions }
  } finally {
    await f.close()
  }
}

/** Where two runs decided a case differently (or one lacks it), one line each. */
export function decisionDifferences(a: DecisionRun, b: DecisionRun): string[] {
  const differences: string[] = []
  const other = new Map(b.decisions.map((decision) => [decision.name, decision]))
  for (const mine of a.decisions) {
    const theirs = other.get(mine.name)
    const [x, y] = [JSON.stringify(mine), JSON.stringify(theirs)]
    if (x !== y) differences.push(`${mine.name}: ${a.engine} ${x} vs ${b.engine} ${y ?? 'missing'}`)
    other.delete(mine.name)
  }
  for (const name of other.keys()) differences.push(`${name}: only ${b.engine} decided it`)
  return differences
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./differential-decision-child.js', import.meta.url))

/** Runs the corpus in a child node with `flags` (differential-decision-child.ts) and reads its JSON lines back. */
export async function childRun(flags: string[], env: Record<string, string> = {}): Promise<DecisionRun> {
  const { NODE_TEST_CONTEXT: _context, ...inherited } = process.env
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, CHILD], { cwd: ROOT, env: { ...inherited, ...env }, maxBuffer: 64 * 1024 * 1024 })
  const [first, ...rest] = stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)
  return { engine: (first as { engine: string }).engine, decisions: rest as Decision[] }
}
