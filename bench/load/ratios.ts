/**
 * Issue 18's table, from one load run: per workload, tokenguard's req/s against the bare framework, the
 * main peer of each framework and the floor (the framework plus the raw signature check), as the median
 * of the per-round ratios (variants are interleaved, so round i of two variants saw the same machine).
 * Cells also give the ratio of server CPU per request, which other load on the machine disturbs less.
 */
import { fmt, markdownTable, textTable, type Row } from '../support/table.js'
import type { LoadResult, LoadRun } from './report.js'

export interface Ratio {
  /** Median over the rounds of req/s(tokenguard) ÷ req/s(other). */
  median: number
  /** Server CPU µs per request of the other ÷ tokenguard's (> 1: tokenguard costs less). */
  cpu: number
  /** Server CPU µs per request, tokenguard minus the other. */
  cpuMicrosMore: number
}

const run = (result: LoadResult, variant: string, workload: string): LoadRun | undefined =>
  result.runs.find((candidate) => candidate.variant === variant && candidate.workload === workload)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** `variant` against `other` on `workload`, or `undefined` when either did not run. */
export function ratioOf(result: LoadResult, variant: string, other: string, workload: string): Ratio | undefined {
  const mine = run(result, variant, workload)
  const theirs = run(result, other, workload)
  if (mine === undefined || theirs === undefined) return undefined
  const rounds = mine.roundsPerSecond.map((value, index) => value / theirs.roundsPerSecond[index]!)
  return {
    median: median(rounds),
    cpu: theirs.serverCpuMicrosPerRequest / mine.serverCpuMicrosPerRequest,
    cpuMicrosMore: mine.serverCpuMicrosPerRequest - theirs.serverCpuMicrosPerRequest,
  }
}

/** The table's lines: [label, workload, variant per column, the other variant per column]. */
export const RATIO_LINES: ReadonlyArray<[label: string, workload: string, express: [string, string], protect: [string, string], fastify: [string, string]]> = [
  ['reused token, ÷ bare framework', 'reused', ['express-tokenguard', 'express-bare'], ['express-tokenguard-protect', 'express-bare'], ['fastify-tokenguard', 'fastify-bare']],
  ['5000 distinct tokens (fit the cache), ÷ peer', 'distinct', ['express-tokenguard', 'express-oauth2-jwt-bearer'], ['express-tokenguard-protect', 'express-oauth2-jwt-bearer'], ['fastify-tokenguard', 'fastify-auth0-verify']],
  ['12000 distinct tokens round-robin, ÷ peer', 'overflow', ['express-tokenguard', 'express-oauth2-jwt-bearer'], ['express-tokenguard-protect', 'express-oauth2-jwt-bearer'], ['fastify-tokenguard', 'fastify-auth0-verify']],
  ['12000 distinct tokens round-robin, ÷ floor (framework + raw signature check)', 'overflow', ['express-tokenguard', 'express-signature-floor'], ['express-tokenguard-protect', 'express-signature-floor'], ['fastify-tokenguard', 'fastify-signature-floor']],
]

function cell(ratio: Ratio | undefined): string {
  if (ratio === undefined) return '—'
  const sign = ratio.cpuMicrosMore >= 0 ? '+' : '−'
  return `${ratio.median.toFixed(2)} (CPU ${ratio.cpu.toFixed(2)}, ${sign}${fmt(Math.abs(ratio.cpuMicrosMore), 1)} µs/req)`
}

const HEADER: Row = ['workload', 'Express: authenticate() + guard', 'Express: auth.protect()', 'Fastify']

function rows(result: LoadResult): Row[] {
  return RATIO_LINES.map(([label, workload, express, protect, fastify]) => [
    label,
    cell(ratioOf(result, express[0], express[1], workload)),
    cell(ratioOf(result, protect[0], protect[1], workload)),
    cell(ratioOf(result, fastify[0], fastify[1], workload)),
  ])
}

export function ratioTextTable(result: LoadResult): string {
  return textTable(HEADER, rows(result))
}

export function ratioMarkdownTable(result: LoadResult): string {
  return markdownTable(HEADER, rows(result))
}
