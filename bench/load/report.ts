/** The load benchmark's result on disk, and its tables: throughput, p99, server CPU, and the ratios. */
import type { MachineInfo } from '../support/machine.js'
import { fmt, markdownTable, ratio, textTable, type Row } from '../support/table.js'
import type { Measured } from './rounds.js'
import { VARIANTS, type VariantInfo } from './variants.js'

export interface LoadRun extends Omit<Measured, 'name'> {
  variant: string
  workload: string
}

export interface LoadResult {
  kind: 'load'
  startedAt: string
  machine: MachineInfo
  /** tokenguard's signature engine in the server processes (core's `SIGNATURE_ENGINE`); absent in older results. */
  signatureEngine?: string
  /**
   * `replicas`: server processes per variant; `serverFlags`: their V8 flags. Both absent in results saved before
   * they existed (one process, no flags).
   */
  settings: { duration: number; rounds: number; warmup: number; connections: number; replicas?: number; serverFlags?: string[] }
  workloads: Array<{ name: string; description: string; tokens: number }>
  runs: LoadRun[]
}

const HEADER: Row = ['variant', 'workload', 'req/s', 'p99 ms', 'server CPU µs/req', 'server CPU', 'this ÷ bare', 'tokenguard ÷ this']

function info(name: string): VariantInfo {
  return VARIANTS.find((variant) => variant.name === name)!
}

/** The run of `framework`'s variant of `kind` (and `name`, for peers) on `workload`. */
export function findRun(result: LoadResult, framework: string, kind: VariantInfo['kind'], workload: string, name?: string): LoadRun | undefined {
  const variant = VARIANTS.find((candidate) => candidate.framework === framework && candidate.kind === kind && (name === undefined || candidate.name === name))
  return result.runs.find((run) => run.variant === variant?.name && run.workload === workload)
}

/** One row per run, grouped by workload; ratios are against the same framework's variants on the same workload. */
export function loadRows(result: LoadResult): Row[] {
  const order = result.workloads.map((workload) => workload.name)
  const runs = [...result.runs].sort((a, b) => order.indexOf(a.workload) - order.indexOf(b.workload))
  return runs.map((run) => {
    const variant = info(run.variant)
    const rps = run.requestsPerSecond
    const bare = findRun(result, variant.framework, 'bare', run.workload)?.requestsPerSecond
    const guard = findRun(result, variant.framework, 'tokenguard', run.workload)?.requestsPerSecond
    return [
      variant.label,
      run.workload,
      fmt(rps),
      fmt(run.latencyP99Ms),
      fmt(run.serverCpuMicrosPerRequest, 1),
      `${fmt(run.serverCpuPercent)} %`,
      variant.kind === 'bare' || bare === undefined ? '—' : ratio(rps / bare),
      variant.kind === 'peer' && guard !== undefined ? ratio(guard / rps) : '—',
    ]
  })
}

export function loadTextTable(result: LoadResult): string {
  return textTable(HEADER, loadRows(result))
}

export function loadMarkdownTable(result: LoadResult): string {
  return markdownTable(HEADER, loadRows(result))
}

/** Runs whose responses were not all 2xx or that had socket errors: such a run measures nothing useful. */
export function faultyRuns(result: LoadResult): LoadRun[] {
  return result.runs.filter((run) => run.non2xx > 0 || run.errors > 0 || run.timeouts > 0)
}
