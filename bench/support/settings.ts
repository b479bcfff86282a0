/**
 * Bench settings, read from the environment so that `npm run bench` needs no arguments and every child
 * process sees the same values. Durations are seconds.
 */

function numberFrom(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`bench: ${name} must be a positive number`)
  return value
}

function listFrom(name: string): string[] | undefined {
  const list = process.env[name]?.split(',').map((item) => item.trim()).filter((item) => item !== '')
  return list === undefined || list.length === 0 ? undefined : list
}

/** Settings of the load benchmark. */
export const loadSettings = {
  /** Measured seconds per round. BENCH_DURATION, default 2. */
  duration: numberFrom('BENCH_DURATION', 2),
  /** Rounds per server and workload, interleaved across servers (measured time = rounds × duration). BENCH_ROUNDS, default 3. */
  rounds: numberFrom('BENCH_ROUNDS', 3),
  /** Warm-up seconds per server before each workload's rounds (same workload, discarded). BENCH_WARMUP, default 1.5. */
  warmup: numberFrom('BENCH_WARMUP', 1.5),
  /** Concurrent connections of the load generator. BENCH_CONNECTIONS, default 50. */
  connections: numberFrom('BENCH_CONNECTIONS', 50),
  /** Distinct tokens of the "distinct" workload (all fit in tokenguard's default cache). BENCH_TOKENS, default 5000. */
  distinctTokens: numberFrom('BENCH_TOKENS', 5000),
  /** Distinct tokens of the "overflow" workload: more than the default cache holds. BENCH_OVERFLOW_TOKENS, default 12000. */
  overflowTokens: numberFrom('BENCH_OVERFLOW_TOKENS', 12000),
  /** Comma-separated variant names to run (default all). BENCH_VARIANTS. */
  variants: listFrom('BENCH_VARIANTS'),
  /** Comma-separated workload names to run: reused, distinct, overflow (default all). BENCH_WORKLOADS. */
  workloads: listFrom('BENCH_WORKLOADS'),
}

/** Settings of the micro-benchmark. */
export const microSettings = {
  /** Target milliseconds per measured round (the iteration count is calibrated to it). BENCH_MICRO_ROUND_MS, default 200. */
  roundMs: numberFrom('BENCH_MICRO_ROUND_MS', 200),
  /** Measured rounds per case, interleaved across the cases of one algorithm; the median is reported. BENCH_MICRO_ROUNDS, default 5. */
  rounds: numberFrom('BENCH_MICRO_ROUNDS', 5),
}

/** Settings of the memory run. */
export const memorySettings = {
  /** Distinct tokens verified. BENCH_MEMORY_TOKENS, default 1000000. */
  tokens: numberFrom('BENCH_MEMORY_TOKENS', 1_000_000),
  /** Tokens minted, verified and discarded per batch. BENCH_MEMORY_BATCH, default 10000. */
  batch: numberFrom('BENCH_MEMORY_BATCH', 10_000),
  /**
   * `off` runs the same tokens with `tokenCache: false`: the baseline that shows what the process grows by
   * without any cache (V8's young generation, allocator arenas). BENCH_MEMORY_CACHE, default `default`.
   */
  cache: process.env.BENCH_MEMORY_CACHE === 'off' ? ('off' as const) : ('default' as const),
}
