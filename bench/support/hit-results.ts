/** The results on disk of the small hit- and miss-path benchmarks (`bench:express`, `bench:cache`, `bench:allocations`). */
import type { MachineInfo } from './machine.js'

/** `npm run bench:express`: µs per request through an Express app, and each case's µs over the bare route. */
export interface ExpressOverheadResult {
  kind: 'express-overhead'
  startedAt: string
  machine: MachineInfo
  microsPerRequest: Record<string, number>
  /** µs over the bare route: `composed` is `authenticate()` + `requireScopes()`, `protect` is `auth.protect()`. */
  overBareMicros: { noop: number; composed: number; protect: number }
}

/** `npm run bench:cache`: µs of cache work per one-off token (the token string's own cost subtracted), and a hit. */
export interface CacheMissResult {
  kind: 'cache-miss'
  startedAt: string
  machine: MachineInfo
  admissionMissMicros: number
  plainLruMissMicros: number
  hitMicros: number
}

/** `npm run bench:allocations`: bytes allocated per cached-token `decide()`. */
export interface AllocationsResult {
  kind: 'allocations'
  startedAt: string
  machine: MachineInfo
  bytesPerHitSameView: number
  bytesPerHitFreshView: number
  /** With the view the Node adapters build (`SocketRequestView` over raw headers). */
  bytesPerHitSocketView: number
}
