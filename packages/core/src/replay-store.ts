/**
 * Where DPoP proofs' `jti` values are remembered for their acceptance window (RFC 9449 §11.1), so that a
 * proof is accepted once. One process can use {@link memoryReplayStore}; a fleet of API instances must share
 * one store (e.g. `redisReplayStore` of `@tokenguard/redis`), or a proof replayed to another instance is
 * accepted there.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */

/** A set of keys that each expire after their own time to live. */
export interface ReplayStore {
  /**
   * Remembers `key` for `ttlMs` milliseconds. Answers `true` the first time a key is seen within its time to
   * live, `false` for a replay. Throws (or rejects with) {@link ReplayStoreUnavailableError} when it cannot
   * tell — the store is down, or full of live entries — and never answers `true` in that case.
   */
  remember(key: string, ttlMs: number): boolean | Promise<boolean>
}

/** The replay store cannot answer right now: the request is answered 503, not accepted. */
export class ReplayStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    // Thrown once per request while a store is full or down: no stack to capture (cheap under a flood).
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message, options)
    Error.stackTraceLimit = stackTraceLimit
    this.name = 'ReplayStoreUnavailableError'
  }
}

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most keys remembered at once. When the store holds this many keys that are all still live, it refuses to
   * remember more (the request is answered 503) rather than forget a live one, which would let that proof be
   * replayed. Default is 100000 (about 15 MiB; with the default 60 s proof window, ~1400 fresh proofs/s).
   */
  maxEntries?: number | undefined
}

// A flood that fills the store would otherwise make every request scan it: a full sweep runs at most this often.
const FULL_SWEEP_INTERVAL_MS = 1_000

/**
 * A replay store in this process's memory, bounded by `maxEntries` and by each key's time to live. Expired
 * keys are dropped oldest first as new ones arrive; a live key is never dropped to make room.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, origin: 'https://api.example.com', dpop: { replayStore: memoryReplayStore({ maxEntries: 500_000 }) } })
 * ```
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: memoryReplayStore options must be an object')
  for (const key of Object.keys(options)) {
    if (key !== 'maxEntries') throw new TypeError(`tokenguard: unknown option ${JSON.stringify(key)} in memoryReplayStore (known options: maxEntries)`)
  }
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('tokenguard: "maxEntries" of memoryReplayStore must be a positive integer')
  // Insertion order is close to expiry order (every proof's time to live is about the same window).
  const expiries = new Map<string, number>()
  let lastFullSweep = Number.NEGATIVE_INFINITY

  function dropExpiredOldest(now: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > now) return
      expiries.delete(key)
    }
  }

  function sweepAll(now: number): void {
    if (now - lastFullSweep < FULL_SWEEP_INTERVAL_MS) return
    lastFullSweep = now
    for (const [key, expiresAt] of expiries) if (expiresAt <= now) expiries.delete(key)
  }

  return {
    remember(key: string, ttlMs: number): boolean {
      const now = Date.now()
      const known = expiries.get(key)
      if (known !== undefined) {
        if (known > now) return false
        expiries.delete(key)
      }
      if (expiries.size >= maxEntries) dropExpiredOldest(now)
      if (expiries.size >= maxEntries) sweepAll(now)
      if (expiries.size >= maxEntries) throw new ReplayStoreUnavailableError(`the in-memory replay store holds ${maxEntries} live proofs (maxEntries); raise it or share a larger store`)
      expiries.set(key, now + Math.max(1, ttlMs))
      return true
    },
  }
}
