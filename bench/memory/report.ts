/** The memory run's result on disk, and its table. */
import type { MachineInfo } from '../support/machine.js'
import { fmt, markdownTable, textTable, type Row } from '../support/table.js'

export interface MemorySample {
  /** Tokens verified so far. */
  tokens: number
  rssMB: number
  heapUsedMB: number
  /** V8 heap reserved (used or not), MB. */
  heapTotalMB: number
  /** Memory of C++ objects bound to JS objects (buffers, crypto handles), MB. */
  externalMB: number
}

export interface MemoryResult {
  kind: 'memory' | 'memory-baseline'
  /** `default`: the default token cache; `off`: `tokenCache: false` (baseline). */
  cache: 'default' | 'off'
  startedAt: string
  machine: MachineInfo
  tokens: number
  tokenLength: number
  cacheMax: number
  seconds: number
  verifiesPerSecond: number
  before: MemorySample
  after: MemorySample
  samples: MemorySample[]
}

const HEADER: Row = ['tokens verified', 'RSS MB', 'heapTotal MB', 'heapUsed MB', 'external MB', 'RSS growth MB', 'heapUsed growth MB']

export function memoryRows(result: MemoryResult): Row[] {
  return [result.before, ...result.samples].map((sample) => [
    fmt(sample.tokens),
    fmt(sample.rssMB, 1),
    fmt(sample.heapTotalMB, 1),
    fmt(sample.heapUsedMB, 1),
    fmt(sample.externalMB, 1),
    fmt(sample.rssMB - result.before.rssMB, 1),
    fmt(sample.heapUsedMB - result.before.heapUsedMB, 1),
  ])
}

export function memoryTextTable(result: MemoryResult): string {
  return textTable(HEADER, memoryRows(result))
}

export function memoryMarkdownTable(result: MemoryResult): string {
  return markdownTable(HEADER, memoryRows(result))
}
