/**
 * The verified-token cache. Machine-to-machine clients reuse one token for its whole lifetime, so an API
 * sees the same token thousands of times; after the first full check, a hit costs a map lookup and two
 * comparisons with the clock.
 *
 * Safety rules: only successes are cached (a forgery is never remembered, and failures cannot evict good
 * entries); a hit is re-checked against the clock (`exp`, `nbf`, `maxTokenAge`, with the tolerance), and
 * requirements (scopes, claims) are applied per request by the caller; when keys leave the key set, the
 * whole cache is dropped, so no entry outlives the key that verified it.
 */
import { LRUCache } from 'lru-cache'

/** Options of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most tokens remembered (least recently used are evicted first). Default is 10000. */
  max?: number | undefined
  /**
   * Most memory the entries may take, in bytes (estimated from the token's length), so that long tokens
   * cannot grow the cache past the budget that `max` implies for ordinary ones. Default is 33554432 (32 MiB).
   */
  maxSize?: number | undefined
}

interface Entry<T> {
  /** The whole token: the map is keyed by its tail only. */
  readonly token: string
  readonly value: T
  /** Epoch seconds from which the entry may be used (nbf minus tolerance). */
  readonly validFrom: number
  /** Epoch seconds from which the entry is no longer valid (exp, or iat + maxTokenAge, plus tolerance). */
  readonly validUntil: number
}

/** A bounded map from raw token to its verified result, valid for a clock window. */
export class TokenCache<T extends object> {
  readonly #entries: LRUCache<string, Entry<T>>
  #generation = 0

  constructor(options: TokenCacheOptions = {}) {
    const max = options.max ?? 10_000
    if (!Number.isInteger(max) || max < 1) throw new TypeError('tokenguard: "tokenCache.max" must be a positive integer')
    const maxSize = options.maxSize ?? 32 * 1024 * 1024
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new TypeError('tokenguard: "tokenCache.maxSize" must be a positive integer')
    this.#entries = new LRUCache<string, Entry<T>>({ max, maxSize, sizeCalculation: estimateSize })
  }

  /** The cached result for `token` if it is still inside its validity window at `now` (epoch seconds). */
  get(token: string, now: number): T | undefined {
    const key = keyOf(token)
    const entry = this.#entries.get(key)
    // Another token with the same tail is a plain miss: only verified tokens are ever stored.
    if (entry === undefined || entry.token !== token) return undefined
    if (now >= entry.validFrom && now < entry.validUntil) return entry.value
    this.#entries.delete(key)
    return undefined
  }

  /**
   * Remembers a verified result for the window `[validFrom, validUntil)`. `generation` is the value of
   * {@link TokenCache.generation} when verification started: a result whose key left the key set while it
   * was being verified (a `clear()` in between) is not remembered.
   */
  set(token: string, value: T, validFrom: number, validUntil: number, generation: number): void {
    if (generation === this.#generation && validUntil > validFrom) this.#entries.set(keyOf(token), { token, value, validFrom, validUntil })
  }

  /** Forgets everything (keys left the key set). */
  clear(): void {
    this.#generation += 1
    this.#entries.clear()
  }

  /** Changes with every `clear()`. */
  get generation(): number {
    return this.#generation
  }

  get size(): number {
    return this.#entries.size
  }
}

// Every request brings a new string, so a map keyed by the whole token would hash all of it each time.
// The signature's last characters are as unique as the token and cost a fraction to hash; the entry
// keeps the whole token for the equality check.
const KEY_LENGTH = 32

function keyOf(token: string): string {
  return token.length > 2 * KEY_LENGTH ? token.slice(-KEY_LENGTH) : token
}

// Two bytes per character (a conservative bound for V8 strings) plus the verified claims and bookkeeping.
function estimateSize(entry: { token: string }): number {
  return 2 * entry.token.length + 1024
}

/** The cache an options value asks for: `false` for none, else a cache (on by default). */
export function tokenCacheFrom<T extends object>(options: false | TokenCacheOptions | undefined): TokenCache<T> | undefined {
  return options === false ? undefined : new TokenCache<T>(options)
}
