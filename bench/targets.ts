/**
 * The performance targets (load: issue 18; micro and memory: issue 5), checked against results: each is met or not, with the numbers.
 * "No worse than plain jose" allows 5 % for timing noise on a shared machine (stated in the goal).
 */
import type { LoadResult } from './load/report.js'
import { ratioOf } from './load/ratios.js'
import { VARIANTS } from './load/variants.js'
import type { MemoryResult } from './memory/report.js'
import type { MicroResult } from './micro/report.js'
import { fmt, markdownTable, ratio, textTable, type Row } from './support/table.js'

export interface Target {
  name: string
  goal: string
  measured: string
  met: boolean
}

const NO_WORSE_TOLERANCE = 1.05

const HIT_RATIO_GOAL = 0.95
const HIT_OVERHEAD_GOAL_MICROS = 5

/** Issue 18's goals on a load run (ratios are medians of the per-round ratios, see `load/ratios.ts`). */
export function loadTargets(result: LoadResult): Target[] {
  const targets: Target[] = []
  for (const [variant, bare] of [['express-tokenguard', 'express-bare'], ['express-tokenguard-protect', 'express-bare'], ['fastify-tokenguard', 'fastify-bare']] as const) {
    const reused = ratioOf(result, variant, bare, 'reused')
    if (reused === undefined) continue
    targets.push({ name: `reused token: ${variant} ÷ ${bare}`, goal: `≥ ${HIT_RATIO_GOAL} (req/s)`, measured: `${ratio(reused.median)}; by server CPU/req ${ratio(reused.cpu)}`, met: reused.median >= HIT_RATIO_GOAL })
    if (variant.startsWith('express')) {
      targets.push({ name: `reused token: ${variant} server CPU per request above bare Express`, goal: `≤ ${HIT_OVERHEAD_GOAL_MICROS} µs`, measured: `${fmt(reused.cpuMicrosMore, 1)} µs`, met: reused.cpuMicrosMore <= HIT_OVERHEAD_GOAL_MICROS })
    }
  }
  for (const peer of VARIANTS.filter((variant) => variant.kind === 'peer')) {
    const mine = VARIANTS.filter((variant) => variant.framework === peer.framework && variant.kind === 'tokenguard')
    for (const variant of mine) {
      for (const workload of ['distinct', 'overflow']) {
        const measured = ratioOf(result, variant.name, peer.name, workload)
        if (measured === undefined) continue
        targets.push({ name: `${workload}: ${variant.name} ÷ ${peer.name}`, goal: '≥ 1.0 (req/s)', measured: `${ratio(measured.median)}; by server CPU/req ${ratio(measured.cpu)}`, met: measured.median >= 1 })
      }
    }
  }
  return targets
}

export function microTargets(result: MicroResult): Target[] {
  const entries = Object.entries(result.algorithms)
  if (entries.length === 0) return []
  const worstCached = Math.max(...entries.map(([, cases]) => cases.cached.microsPerOp))
  const targets: Target[] = [{
    name: 'cached verify (worst algorithm)',
    goal: '≤ 5 µs/op',
    measured: `${entries.map(([alg, cases]) => `${alg} ${fmt(cases.cached.microsPerOp, 2)}`).join(', ')} µs`,
    met: worstCached <= 5,
  }]
  for (const [alg, cases] of entries) {
    const cold = cases.cold.microsPerOp / cases.jose.microsPerOp
    targets.push({
      name: `cold verify vs plain jose, ${alg}`,
      goal: `≤ ${NO_WORSE_TOLERANCE.toFixed(2)}× (no worse, 5 % noise)`,
      measured: `${ratio(cold)}× (${fmt(cases.cold.microsPerOp, 1)} vs ${fmt(cases.jose.microsPerOp, 1)} µs)`,
      met: cold <= NO_WORSE_TOLERANCE,
    })
  }
  return targets
}

export function memoryTargets(result: MemoryResult, baseline?: MemoryResult): Target[] {
  const growth = result.after.rssMB - result.before.rssMB
  const peak = Math.max(...result.samples.map((sample) => sample.rssMB)) - result.before.rssMB
  const heap = result.after.heapUsedMB - result.before.heapUsedMB
  const base = baseline === undefined ? '' : `; RSS at the end ${fmt(result.after.rssMB - baseline.after.rssMB, 1)} MB above the same run without a cache`
  return [{
    name: `${fmt(result.tokens)} distinct tokens, default cache: RSS growth before → after`,
    goal: '≤ 64 MB',
    measured: `${fmt(growth, 1)} MB (highest sample ${fmt(peak, 1)} MB; heapUsed +${fmt(heap, 1)} MB${base})`,
    met: growth <= 64,
  }]
}

const HEADER: Row = ['target', 'goal', 'measured', 'met']

function rows(targets: readonly Target[]): Row[] {
  return targets.map((target) => [target.name, target.goal, target.measured, target.met ? 'met' : 'NOT MET'])
}

export function targetsTable(targets: readonly Target[]): string {
  return textTable(HEADER, rows(targets))
}

export function targetsMarkdown(targets: readonly Target[]): string {
  return markdownTable(HEADER, rows(targets))
}
