/**
 * The verified-token cache. Machine-to-machine clients reuse one token for its whole lifetime, so an API
 * sees the same token thousands of times; a hit costs a map lookup and two comparisons with the clock. A
 * token is stored on its second full check, not its first, and a full cache only takes a token seen more
 * often lately than the entry it would evict (cache-admission.ts): one-off tokens cost no insertion.
 *
 * Safety rules: only successes are cached (a forgery is never remembered, and failures cannot evict good
 * entries); a hit is re-checked against the clock (`exp`, `nbf`, `maxTokenAge`, with the tolerance), and
 * requirements (scopes, claims) are applied per request by the caller; when keys leave the key set, the
 * whole cache is dropped, so no entry outlives the key that verified it.
 */
import { LRUCache } from 'lru-cache'
import { CacheAdmission } from './cache-admission.js'

/** Options of the verified-token cache. */
export interface TokenCacheOptions {
  /**
   * Most tokens remembered (least recently used are evicted first, for a token seen more often lately). A
   * token is stored on its second verification. Default is 10000.
   */
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
  /** Which verified tokens are worth storing (see cache-admission.ts): a one-off token is not. */
  readonly #admission: CacheAdmission
  #generation = 0

  constructor(options: TokenCacheOptions = {}) {
    const max = options.max ?? 10_000
    if (!Number.isInteger(max) || max < 1) throw new TypeError('tokenguard: "tokenCache.max" must be a positive integer')
    const maxSize = options.maxSize ?? 32 * 1024 * 1024
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new TypeError('tokenguard: "tokenCache.maxSize" must be a positive integer')
    this.#entries = new LRUCache<string, Entry<T>>({ max, maxSize, sizeCalculation: estimateSize })
    this.#admission = new CacheAdmission(max)
  }

  /** The cached result for `token` if it is still inside its validity window at `now` (epoch seconds). */
  get(token: string, now: number): T | undefined {
    const key = keyOf(token)
    const entry = this.#entries.get(key)
    // Another token with the same tail is a plain miss: only verified tokens are ever stored.
    if (entry === undefined || entry.token !== token) return undefined
    if (now >= entry.validFrom && now < entry.validUntil) {
      this.#admission.record(key)
      return entry.value
    }
    this.#entries.delete(key)
    return undefined
  }

  /**
   * Remembers a verified result for the window `[validFrom, validUntil)`. `generation` is the value of
   * {@link TokenCache.generation} when verification started: a result whose key left the key set while it
   * was being verified (a `clear()` in between) is not remembered.
   */
  set(token: string, value: T, validFrom: number, validUntil: number, generation: number): void {
    if (generation !== this.#generation || validUntil <= validFrom) return
    const key = keyOf(token)
    if (this.#admission.admits(this.#admission.record(key), () => this.#victimFor(key, token))) this.#entries.set(key, { token, value, validFrom, validUntil })
  }

  /** The entry that storing `token` would evict first (the least recently used), or `undefined` when there is room. */
  #victimFor(key: string, token: string): string | undefined {
    const entries = this.#entries
    if (entries.size < entries.max && entries.calculatedSize + estimateSize({ token }) <= entries.maxSize) return undefined
    if (entries.has(key)) return undefined
    for (const victim of entries.rkeys()) return victim
    return undefined
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
