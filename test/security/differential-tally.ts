/**
 * Running many subjects through two engines and counting what happened, per source: cases compared,
 * agreements, disagreements (with the first few examples, input and both outcomes), which way the first
 * engine went (native signature step, handed to jose, neither), and the notes (`differential-outcome.ts`).
 * Shared by `npm test` (differential.test.ts) and the full run (`npm run differential`).
 */
import { isCanonicalCompactJws } from './differential-core.js'
import type { Engine } from './differential-engines.js'
import { describeOutcome, disagreement, notes, outcomeOf, type Outcome, type Route, type Subject } from './differential-outcome.js'

const EXAMPLES = 5

/** One input to compare, with a label that says where it came from (a corpus case, a vector, a mutation). */
export interface LabelledSubject extends Subject {
  label: string
  /** Groups it is also counted under (a mutant: its mutation kind and the algorithm of its target). */
  groups?: readonly string[]
}

/** Counts of one group: compared, routes of the first engine, accepted by both. */
export type GroupCounts = Record<Route, number> & { compared: number; accepted: number }

export interface Disagreement {
  label: string
  token: string
  why: string
  /** Whether the token is canonical compact JWS: only those reach an engine in production (`compact-syntax.ts`). */
  canonical: boolean
  first: string
  second: string
}

export interface Tally {
  source: string
  compared: number
  agreements: number
  disagreements: number
  /** Disagreements where only the first engine accepted (a false acceptance, if the second is right), and only the second. */
  acceptedOnlyByFirst: number
  acceptedOnlyBySecond: number
  /** Disagreements on canonical compact tokens, the ones tokenguard hands to its engine. */
  reachable: number
  examples: Disagreement[]
  /** Routes the first engine took (its own counters). */
  routes: Record<Route, number>
  accepted: number
  /** The agreed refusals by error class and code, to show which checks the inputs reached. */
  refusals: Map<string, number>
  groups: Map<string, GroupCounts>
  notes: Map<string, number>
  noteExamples: string[]
}

export function newTally(source: string): Tally {
  return { source, compared: 0, agreements: 0, disagreements: 0, acceptedOnlyByFirst: 0, acceptedOnlyBySecond: 0, reachable: 0, examples: [], routes: { native: 0, jose: 0, neither: 0, uncounted: 0 }, accepted: 0, refusals: new Map(), groups: new Map(), notes: new Map(), noteExamples: [] }
}

/** Compares one subject; returns both outcomes so that callers can look closer. */
export async function compareOne(first: Engine, second: Engine, subject: LabelledSubject, tally: Tally): Promise<[Outcome, Outcome]> {
  const a = await outcomeOf(first, subject)
  const b = await outcomeOf(second, subject)
  tally.compared++
  tally.routes[a.route]++
  for (const group of subject.groups ?? []) {
    const counts = tally.groups.get(group) ?? tally.groups.set(group, { compared: 0, accepted: 0, native: 0, jose: 0, neither: 0, uncounted: 0 }).get(group)!
    counts.compared++
    counts[a.route]++
    if (a.accepted && b.accepted) counts.accepted++
  }
  const why = disagreement(a, b)
  if (why === undefined) {
    tally.agreements++
    if (a.accepted) tally.accepted++
    else count(tally.refusals, `${a.refusal.name}${a.refusal.claim === undefined ? '' : ` (${a.refusal.claim} ${a.refusal.reason})`}`)
  } else {
    tally.disagreements++
    const canonical = isCanonicalCompactJws(subject.token)
    if (canonical) tally.reachable++
    if (a.accepted && !b.accepted) tally.acceptedOnlyByFirst++
    if (b.accepted && !a.accepted) tally.acceptedOnlyBySecond++
    if (tally.examples.length < EXAMPLES) tally.examples.push({ label: subject.label, token: subject.token, why, canonical, first: describeOutcome(a), second: describeOutcome(b) })
  }
  for (const note of notes(a, b)) {
    count(tally.notes, note.replace(/ .*/, ''))
    if (tally.noteExamples.length < EXAMPLES) tally.noteExamples.push(`${subject.label}: ${note}`)
  }
  return [a, b]
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1)
}

/** Compares every subject, one at a time (the route counters are read as deltas). */
export async function compareAll(first: Engine, second: Engine, subjects: Iterable<LabelledSubject> | AsyncIterable<LabelledSubject>, tally: Tally): Promise<Tally> {
  for await (const subject of subjects) await compareOne(first, second, subject, tally)
  return tally
}

/** The tally as report lines. */
export function describeTally(tally: Tally, first: Engine, second: Engine): string[] {
  const notes = [...tally.notes].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'
  const lines = [
    `${tally.source}: ${tally.compared} compared (${first.name} vs ${second.name}), ${tally.agreements} agreements (${tally.accepted} accepted by both), ${tally.disagreements} disagreements` +
      (tally.disagreements === 0 ? '' : ` (${tally.reachable} on canonical tokens; accepted only by ${first.name} ${tally.acceptedOnlyByFirst}, only by ${second.name} ${tally.acceptedOnlyBySecond})`),
    `  ${first.name} routes: native signature step ${tally.routes.native}, handed to jose ${tally.routes.jose}, neither (refused by the key resolver) ${tally.routes.neither}` +
      (tally.routes.uncounted > 0 ? `, uncounted ${tally.routes.uncounted}` : ''),
    `  agreed refusals: ${[...tally.refusals].sort((x, y) => y[1] - x[1]).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`,
    `  notes (no decision difference): ${notes}`,
  ]
  for (const [group, counts] of [...tally.groups].sort(([x], [y]) => x.localeCompare(y))) {
    lines.push(`  ${group}: ${counts.compared} compared, native ${counts.native}, handed to jose ${counts.jose}, neither ${counts.neither}, accepted by both ${counts.accepted}`)
  }
  for (const example of tally.noteExamples) lines.push(`    note: ${example}`)
  for (const example of tally.examples) {
    lines.push(`  DISAGREEMENT ${example.canonical ? '' : '(non-canonical token, never handed to an engine) '}${example.label}: ${example.why}`, `    token ${example.token.slice(0, 300)}`, `    ${first.name}: ${example.first}`, `    ${second.name}: ${example.second}`)
  }
  return lines
}
