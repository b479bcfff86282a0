/** What the DPoP benchmark's parent and its server processes agree on. */

export const BENCH_DPOP = {
  issuer: 'https://issuer.bench.tokenguard.test',
  audience: 'https://api.bench.tokenguard.test',
  origin: 'https://api.bench.tokenguard.test',
  /** Long enough for every pre-made proof of a run to stay fresh: freshness is not what is measured. */
  maxProofAge: '10m' as const,
  replayStoreEntries: 2_000_000,
}

export interface DPoPServerMessage {
  port?: number
  cpuMicros?: number
  memory?: NodeJS.MemoryUsage
  /** Proofs the server's replay store has remembered so far. */
  remembered?: number
}
