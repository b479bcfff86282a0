/**
 * Bench settings, read from the environment so that `npm run bench` needs no arguments and every child
 * process sees the same values. Durations are seconds. `BENCH_QUICK=1` changes the defaults to a smoke
 * run's (shorter rounds, fewer memory tokens, 3 rounds instead of 5, so that ratios stay medians, one server
 * process per variant); a variable set
 * explicitly wins over both.
 */

/** Whether this is a smoke run (`BENCH_QUICK=1`): numbers only good for seeing that everything runs. */
export const quick = process.env.BENCH_QUICK === '1'

function numberFrom(name: string, fallback: number, quickFallback = fallback): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return quick ? quickFallback : fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`bench: ${name} must be a positive number`)
  return value
}

function integerFrom(name: string, fallback: number, quickFallback = fallback): number {
  const value = numberFrom(name, fallback, quickFallback)
  if (!Number.isInteger(value)) throw new TypeError(`bench: ${name} must be a whole number`)
  return value
}

function listFrom(name: string): string[] | undefined {
  const list = process.env[name]?.split(',').map((item) => item.trim()).filter((item) => item !== '')
  return list === undefined || list.length === 0 ? undefined : list
}

/** Settings of the load benchmark. */
export const loadSettings = {
  /**
   * Measured seconds per variant per round, split evenly over its server processes (`replicas`).
   * BENCH_DURATION, default 2 (quick 1).
   */
  duration: numberFrom('BENCH_DURATION', 2, 1),
  /**
   * Server processes per variant of the load benchmark, each measured every round: two processes of the same
   * server differed here by up to a fifth in CPU per request over a whole run, so one process is one draw.
   * BENCH_REPLICAS, default 2 (quick 1).
   */
  replicas: integerFrom('BENCH_REPLICAS', 2, 1),
  /**
   * Rounds per server and workload, interleaved across servers (measured time = rounds × duration). BENCH_ROUNDS,
   * default 5 (quick 3): with 3, one disturbed round of the two compared moved the median by 0.1 and more here.
   */
  rounds: numberFrom('BENCH_ROUNDS', 5, 3),
  /** Warm-up seconds per server before each workload's rounds (same workload, discarded). BENCH_WARMUP, default 1.5 (quick 0.5). */
  warmup: numberFrom('BENCH_WARMUP', 1.5, 0.5),
  /** Concurrent connections of the load generator. BENCH_CONNECTIONS, default 50. */
  connections: numberFrom('BENCH_CONNECTIONS', 50),
  /** Distinct tokens of the "distinct" workload (all fit in tokenguard's default cache). BENCH_TOKENS, default 5000. */
  distinctTokens: numberFrom('BENCH_TOKENS', 5000),
  /** Distinct tokens of the "overflow" workload: more than the default cache holds. BENCH_OVERFLOW_TOKENS, default 12000. */
  overflowTokens: numberFrom('BENCH_OVERFLOW_TOKENS', 12000),
  /**
   * Single-use tokens of the "cold" workload; by default sized from this run's req/s on the earlier workloads
   * (see `coldHeadroom`). BENCH_COLD_TOKENS.
   */
  coldTokens: process.env.BENCH_COLD_TOKENS === undefined || process.env.BENCH_COLD_TOKENS === '' ? undefined : numberFrom('BENCH_COLD_TOKENS', 1),
  /** Factor over the estimated need of the cold workload's pool. BENCH_COLD_HEADROOM, default 1.5. */
  coldHeadroom: numberFrom('BENCH_COLD_HEADROOM', 1.5),
  /** req/s assumed per server for the cold pool when no earlier workload ran in this run. BENCH_COLD_RATE, default 8000. */
  coldRate: numberFrom('BENCH_COLD_RATE', 8000),
  /**
   * Whether the server processes keep V8's memory reducer (`BENCH_MEMORY_REDUCER=1`); by default they run with
   * `--no-memory-reducer`. Interleaving 15 variants leaves each server idle ~20 s between its slots, and V8
   * shrinks the heap of a process idle for 8 s; with it, tokenguard's Express cold ratio to
   * express-oauth2-jwt-bearer measured 0.61–0.75, without it 1.07–1.21, in alternating runs (docs/performance.md,
   * Notes). A server under steady load never idles that long.
   */
  memoryReducer: process.env.BENCH_MEMORY_REDUCER === '1',
  /** Comma-separated variant names to run (default all). BENCH_VARIANTS. */
  variants: listFrom('BENCH_VARIANTS'),
  /** Comma-separated workload names to run: reused, distinct, overflow, cold (default all). BENCH_WORKLOADS. */
  workloads: listFrom('BENCH_WORKLOADS'),
}

/** Settings of the micro-benchmark. */
export const microSettings = {
  /** Target milliseconds per measured round (the iteration count is calibrated to it). BENCH_MICRO_ROUND_MS, default 200 (quick 50). */
  roundMs: numberFrom('BENCH_MICRO_ROUND_MS', 200, 50),
  /** Measured rounds per case, interleaved across the cases of one algorithm; the median is reported. BENCH_MICRO_ROUNDS, default 5. */
  rounds: numberFrom('BENCH_MICRO_ROUNDS', 5),
}

/** Settings of the memory run. */
export const memorySettings = {
  /** Distinct tokens verified. BENCH_MEMORY_TOKENS, default 1000000 (quick 100000). */
  tokens: numberFrom('BENCH_MEMORY_TOKENS', 1_000_000, 100_000),
  /** Tokens minted, verified and discarded per batch. BENCH_MEMORY_BATCH, default 10000. */
  batch: numberFrom('BENCH_MEMORY_BATCH', 10_000),
  /**
   * `off` runs the same tokens with `tokenCache: false`: the baseline that shows what the process grows by
   * without any cache (V8's young generation, allocator arenas). BENCH_MEMORY_CACHE, default `default`.
   */
  cache: process.env.BENCH_MEMORY_CACHE === 'off' ? ('off' as const) : ('default' as const),
}
