/**
 * Replay detection for values that may be used once within a time window, such as a DPoP proof's `jti`
 * (RFC 9449 §11.1): the store remembers each key for its ttl and says whether it had seen it.
 *
 * Keys come from the caller, who bounds them: hash untrusted values (e.g. base64url SHA-256 of the `jti`
 * together with the proof key's thumbprint) or cap their length. Stores refuse keys longer than
 * {@link MAX_REPLAY_KEY_LENGTH} characters rather than let a client choose how much memory an entry takes.
 *
 * A store that cannot answer throws (or rejects): that is an outage, answered with 503, never a 401 and
 * never "not a replay".
 */

/** Where single-use keys are remembered: in memory for one process, or shared by a fleet (Redis). */
export interface ReplayStore {
  /**
   * `true` when `key` was not seen within its ttl and is now remembered for `ttlMs` milliseconds; `false`
   * when it is a replay. Throws/rejects (normally {@link ReplayStoreUnavailableError}) when the store
   * cannot answer, which the verifier turns into a 503.
   */
  remember(key: string, ttlMs: number): boolean | Promise<boolean>
}

/** The replay store cannot answer (down, timed out, or full of live entries): 503, not a refusal of the proof. */
export class ReplayStoreUnavailableError extends Error {
  constructor(message = 'tokenguard: the replay store cannot answer', options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ReplayStoreUnavailableError'
  }
}

/** Longest key a store accepts, in characters (a base64url SHA-512 is 86). */
export const MAX_REPLAY_KEY_LENGTH = 256

/** Checks what a caller passes to {@link ReplayStore.remember}; a wrong call is a bug, reported as a TypeError. */
export function assertReplayArguments(key: unknown, ttlMs: unknown): void {
  if (typeof key !== 'string' || key === '' || key.length > MAX_REPLAY_KEY_LENGTH) {
    throw new TypeError(`tokenguard: a replay store key must be a non-empty string of at most ${MAX_REPLAY_KEY_LENGTH} characters (hash untrusted values)`)
  }
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError('tokenguard: a replay store ttl must be a positive number of milliseconds')
  }
}

export interface MemoryReplayStoreOptions {
  /**
   * Most keys remembered at once. When that many are still within their ttl, further keys are refused
   * with {@link ReplayStoreUnavailableError} (503): a live entry is never evicted, so a flood of fresh
   * proofs cannot make the store forget a recent one. Size it as peak proofs per second × the ttl in
   * seconds; each entry costs about 200 bytes plus its key. Default 100 000.
   */
  maxEntries?: number
}

const DEFAULT_MAX_ENTRIES = 100_000

/**
 * A replay store in this process's memory, bounded by count (`maxEntries`) and by window (each key is
 * forgotten once its ttl has passed, never earlier). A fleet of several processes needs a shared store
 * instead (`redisReplayStore` from `@tokenguard/redis`): with this one, each process accepts a proof once.
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = settleMaxEntries(options)
  const expiries = new Map<string, number>()
  const queue = new ExpiryQueue()
  return {
    remember(key, ttlMs) {
      assertReplayArguments(key, ttlMs)
      const now = Date.now()
      for (let due = queue.popDue(now); due !== undefined; due = queue.popDue(now)) expiries.delete(due)
      if (expiries.has(key)) return false
      if (expiries.size >= maxEntries) {
        throw new ReplayStoreUnavailableError(`tokenguard: the in-memory replay store holds ${maxEntries} unexpired keys (maxEntries); raise maxEntries or share a larger store`)
      }
      const expiresAt = now + ttlMs
      expiries.set(key, expiresAt)
      queue.push(key, expiresAt)
      return true
    },
  }
}

function settleMaxEntries(options: MemoryReplayStoreOptions): number {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: memoryReplayStore options must be an object')
  for (const name of Object.keys(options)) {
    if (name !== 'maxEntries') throw new TypeError(`tokenguard: memoryReplayStore has no option "${name}" (known: maxEntries)`)
  }
  const { maxEntries = DEFAULT_MAX_ENTRIES } = options
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError('tokenguard: memoryReplayStore "maxEntries" must be a positive integer')
  }
  return maxEntries
}

/**
 * Keys ordered by expiry (a binary min-heap): ttls may differ between calls, so insertion order is not
 * expiry order, and pruning must still cost O(log n) per key rather than a scan of the whole store.
 */
class ExpiryQueue {
  readonly #heap: Array<{ key: string; expiresAt: number }> = []

  push(key: string, expiresAt: number): void {
    const heap = this.#heap
    heap.push({ key, expiresAt })
    for (let child = heap.length - 1; child > 0; ) {
      const parent = (child - 1) >> 1
      if (heap[parent]!.expiresAt <= heap[child]!.expiresAt) break
      this.#swap(parent, child)
      child = parent
    }
  }

  /** Removes and returns the key that expires first, if it has expired by `now`. */
  popDue(now: number): string | undefined {
    const heap = this.#heap
    const first = heap[0]
    if (first === undefined || first.expiresAt > now) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      this.#siftDown()
    }
    return first.key
  }

  #siftDown(): void {
    const heap = this.#heap
    for (let parent = 0; ; ) {
      const left = 2 * parent + 1
      const right = left + 1
      let smallest = parent
      if (left < heap.length && heap[left]!.expiresAt < heap[smallest]!.expiresAt) smallest = left
      if (right < heap.length && heap[right]!.expiresAt < heap[smallest]!.expiresAt) smallest = right
      if (smallest === parent) return
      this.#swap(parent, smallest)
      parent = smallest
    }
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap
    const held = heap[a]!
    heap[a] = heap[b]!
    heap[b] = held
  }
}
