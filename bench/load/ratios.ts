/**
 * Issue 18's table, from one load run: per workload, tokenguard's req/s against the bare framework, each
 * peer of its framework, the fastest of them and the floor (the framework plus the raw signature check),
 * as the median of the per-round ratios (variants are interleaved, so round i of two variants saw the same
 * machine), with the lowest and highest of those round ratios. Cells also give the ratio of server CPU per
 * request, which other load on the machine disturbs less. The A/A rows (tokenguard's server against itself in a
 * second process) show how finely the run resolves a ratio: a difference smaller than theirs is not measured.
 */
import { fmt, markdownTable, textTable, type Row } from '../support/table.js'
import type { LoadResult, LoadRun } from './report.js'
import { VARIANTS, type Framework } from './variants.js'

export interface Ratio {
  /** Median over the rounds of req/s(tokenguard) ÷ req/s(other). */
  median: number
  /** The lowest and the highest of those per-round ratios. */
  low: number
  high: number
  /** Server CPU µs per request of the other ÷ tokenguard's (> 1: tokenguard costs less). */
  cpu: number
  /** Server CPU µs per request, tokenguard minus the other. */
  cpuMicrosMore: number
}

const run = (result: LoadResult, variant: string, workload: string): LoadRun | undefined =>
  result.runs.find((candidate) => candidate.variant === variant && candidate.workload === workload)

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('bench: the median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** `variant` against `other` on `workload`, or `undefined` when either did not run. */
export function ratioOf(result: LoadResult, variant: string, other: string, workload: string): Ratio | undefined {
  const mine = run(result, variant, workload)
  const theirs = run(result, other, workload)
  if (mine === undefined || theirs === undefined) return undefined
  if (mine.roundsPerSecond.length !== theirs.roundsPerSecond.length) throw new RangeError(`bench: ${variant} and ${other} ran different numbers of rounds on ${workload}`)
  const rounds = mine.roundsPerSecond.map((value, index) => value / theirs.roundsPerSecond[index]!)
  return {
    median: median(rounds),
    low: Math.min(...rounds),
    high: Math.max(...rounds),
    cpu: theirs.serverCpuMicrosPerRequest / mine.serverCpuMicrosPerRequest,
    cpuMicrosMore: mine.serverCpuMicrosPerRequest - theirs.serverCpuMicrosPerRequest,
  }
}

/** The peers of a framework, in the order of `VARIANTS`. */
export const peersOf = (framework: Framework): string[] => VARIANTS.filter((variant) => variant.framework === framework && variant.kind === 'peer').map((variant) => variant.name)

/** The peer of `framework` with the most req/s on `workload` in this run, or `undefined` if none ran. */
export function fastestPeer(result: LoadResult, framework: Framework, workload: string): string | undefined {
  const ran = peersOf(framework).map((name) => run(result, name, workload)).filter((entry) => entry !== undefined)
  return ran.sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0]?.variant
}

/** The table's columns: tokenguard's variant and its framework. */
export const COLUMNS: ReadonlyArray<{ title: string; variant: string; framework: Framework }> = [
  { title: 'Express: authenticate() + guard', variant: 'express-tokenguard', framework: 'express' },
  { title: 'Express: auth.protect()', variant: 'express-tokenguard-protect', framework: 'express' },
  { title: 'Fastify', variant: 'fastify-tokenguard', framework: 'fastify' },
]

/**
 * What a row compares the column's variant with: the bare framework, the i-th peer, the fastest peer, the floor,
 * or the A/A control (only for the variant the control repeats).
 */
export type Against = 'bare' | { peer: number } | 'fastest peer' | 'floor' | 'control'

/** The A/A control of `variant`: the same server in a second process, when the run has one. */
export const controlOf = (variant: string): string | undefined => (VARIANTS.some((candidate) => candidate.name === `${variant}-again` && candidate.kind === 'control') ? `${variant}-again` : undefined)

const otherName = (variant: string, framework: Framework, against: Against, result: LoadResult, workload: string): string | undefined => {
  if (against === 'control') return controlOf(variant)
  if (against === 'bare') return `${framework}-bare`
  if (against === 'floor') return `${framework}-signature-floor`
  if (against === 'fastest peer') return fastestPeer(result, framework, workload)
  return peersOf(framework)[against.peer]
}

/** `column`'s tokenguard variant against `against` on `workload`, with the other variant's name. */
export function compare(result: LoadResult, variant: string, framework: Framework, against: Against, workload: string): (Ratio & { other: string }) | undefined {
  const other = otherName(variant, framework, against, result, workload)
  const measured = other === undefined ? undefined : ratioOf(result, variant, other, workload)
  return measured === undefined ? undefined : { ...measured, other: other! }
}

const peerLabel = (index: number) => (['express', 'fastify'] as const).map((framework) => peersOf(framework)[index]).join(' / ')

// Short: the workloads' full descriptions come with the report.
const WORKLOAD_LABELS: Record<string, string> = {
  reused: 'reused token',
  distinct: '5000 distinct (fit the cache)',
  overflow: '12000 round-robin (> cache; partly hits with admission)',
  cold: 'cold (every token new, all misses)',
}

/** The rows: label, workload, against. */
export function issueLines(): Array<[label: string, workload: string, against: Against]> {
  const perPeer = (workload: string) => peersOf('express').map((_, index) => [`${WORKLOAD_LABELS[workload]}, ÷ ${peerLabel(index)}`, workload, { peer: index }] as [string, string, Against])
  return [
    [`A/A: ${WORKLOAD_LABELS.reused}, ÷ the same server again (the run's resolution)`, 'reused', 'control'],
    [`A/A: ${WORKLOAD_LABELS.cold}, ÷ the same server again (the run's resolution)`, 'cold', 'control'],
    [`${WORKLOAD_LABELS.reused}, ÷ bare framework`, 'reused', 'bare'],
    ...perPeer('distinct'),
    ...perPeer('overflow'),
    [`${WORKLOAD_LABELS.overflow}, ÷ floor`, 'overflow', 'floor'],
    ...perPeer('cold'),
    [`${WORKLOAD_LABELS.cold}, ÷ fastest peer`, 'cold', 'fastest peer'],
    [`${WORKLOAD_LABELS.cold}, ÷ floor`, 'cold', 'floor'],
  ]
}

function cell(ratio: (Ratio & { other: string }) | undefined, named: boolean): string {
  if (ratio === undefined) return '—'
  const sign = ratio.cpuMicrosMore >= 0 ? '+' : '−'
  return `${ratio.median.toFixed(2)} [${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)}] (CPU ${ratio.cpu.toFixed(2)}, ${sign}${fmt(Math.abs(ratio.cpuMicrosMore), 1)} µs/req)${named ? ` × ${ratio.other}` : ''}`
}

/** The floor itself on the cold workload: its req/s and server CPU per request. */
function floorCell(result: LoadResult, framework: Framework): string {
  const floor = run(result, `${framework}-signature-floor`, 'cold')
  return floor === undefined ? '—' : `${fmt(floor.requestsPerSecond)} req/s, ${fmt(floor.serverCpuMicrosPerRequest, 1)} µs CPU/req`
}

const HEADER: Row = ['workload', ...COLUMNS.map((column) => column.title)]

function rows(result: LoadResult): Row[] {
  return [
    ...issueLines().map(([label, workload, against]) => [label, ...COLUMNS.map(({ variant, framework }) => cell(compare(result, variant, framework, against, workload), against === 'fastest peer'))]),
    ['floor (framework + raw node:crypto check), cold', ...COLUMNS.map(({ framework }) => floorCell(result, framework))],
  ]
}

export function issueTextTable(result: LoadResult): string {
  return textTable(HEADER, rows(result))
}

export function issueMarkdownTable(result: LoadResult): string {
  return markdownTable(HEADER, rows(result))
}
