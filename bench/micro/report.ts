/** The micro-benchmark's result on disk, and its table: µs/op per algorithm and case, with ratios. */
import type { MachineInfo } from '../support/machine.js'
import { fmt, markdownTable, ratio, textTable, type Row } from '../support/table.js'
import { CASE_LABELS, type CaseKey } from './cases.js'
import type { Timed } from './timing.js'

export interface MicroResult {
  kind: 'micro'
  startedAt: string
  machine: MachineInfo
  openssl: string
  settings: { roundMs: number; rounds: number }
  /** Per algorithm, per case key (`joseCryptoKey` for HS256 only). */
  algorithms: Record<string, Partial<Record<CaseKey, Timed>> & Record<'raw' | 'jose' | 'cold' | 'cached', Timed>>
}

const HEADER: Row = ['algorithm', 'operation', 'µs/op (median)', 'µs/op (best)', 'ops/s', '÷ node:crypto', '÷ jose']

export function microRows(result: MicroResult): Row[] {
  const rows: Row[] = []
  for (const [alg, cases] of Object.entries(result.algorithms)) {
    for (const [key, label] of Object.entries(CASE_LABELS) as Array<[CaseKey, string]>) {
      const timed = cases[key]
      if (timed === undefined) continue
      rows.push([
        alg,
        label,
        fmt(timed.microsPerOp, 2),
        fmt(timed.bestMicrosPerOp, 2),
        fmt(1e6 / timed.microsPerOp),
        key === 'raw' || key === 'copy' ? '—' : ratio(timed.microsPerOp / cases.raw.microsPerOp),
        key === 'raw' || key === 'jose' || key === 'joseCryptoKey' || key === 'copy' ? '—' : ratio(timed.microsPerOp / cases.jose.microsPerOp),
      ])
    }
  }
  return rows
}

export function microTextTable(result: MicroResult): string {
  return textTable(HEADER, microRows(result))
}

export function microMarkdownTable(result: MicroResult): string {
  return markdownTable(HEADER, microRows(result))
}
