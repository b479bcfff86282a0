/**
 * The local cache of introspection answers, keyed by a hash of the token. Two separate bounded maps: one
 * for answers that accept the token, one for everything else (inactive tokens, tokens for another API), so
 * that a flood of garbage tokens can fill the second but never evict the first. Every entry carries its
 * own expiry, decided by the caller: an accepted answer lives until the earlier of the token's `exp` and
 * `cacheMaxAge`, any other answer for `negativeCacheMaxAge`.
 */
import { base64url } from 'jose'
import { LRUCache } from 'lru-cache'
import { ConfigurationError } from './errors.js'
import type { IntrospectionRecord } from './introspection-cache-store.js'

/**
 * The key a token's answer is kept under, locally and in a shared store: SHA-256 (WebCrypto) over issuer,
 * client id and token, base64url. The token itself is never a key, so a shared store never holds one.
 */
export async function introspectionKey(issuer: string, clientId: string, token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${issuer}\n${clientId}\n${token}`))
  return base64url.encode(new Uint8Array(digest))
}

/** Bounds of the local introspection cache. */
export interface IntrospectionCacheOptions {
  /** Most accepted answers remembered (least recently used go first). Default is 10000. */
  max?: number | undefined
  /** Most memory the accepted answers may take, in bytes (estimated from the response's size). Default is 16777216 (16 MiB). */
  maxSize?: number | undefined
  /** Most refusing answers remembered (inactive tokens, tokens for another API). Default is 10000. */
  negativeMax?: number | undefined
  /** Most memory the refusing answers may take, in bytes. Default is 4194304 (4 MiB). */
  negativeMaxSize?: number | undefined
  /**
   * The caches' clock, in epoch milliseconds. Default is `Date.now`. Meant for tests that check expiry
   * without waiting; the verified-token cache (`tokenCache`) keeps the system clock, so disable it
   * (`tokenCache: false`) when this clock is not the system's.
   */
  now?: (() => number) | undefined
}

/** An answer found in the cache, with the expiry it was stored with. */
export interface CachedIntrospection {
  record: IntrospectionRecord
  /** Epoch milliseconds from which the entry is no longer used. */
  expiresAt: number
}

interface Entry extends CachedIntrospection {
  size: number
}

/** Accepting and refusing introspection answers, bounded apart. */
export class IntrospectionCache {
  readonly now: () => number
  readonly #accepting: LRUCache<string, Entry>
  readonly #refusing: LRUCache<string, Entry>

  constructor(options: IntrospectionCacheOptions = {}) {
    this.now = options.now ?? Date.now
    if (typeof this.now !== 'function') throw new ConfigurationError('introspection.cache.now', '"introspection.cache.now" must be a function returning epoch milliseconds')
    this.#accepting = boundedMap(options.max, 10_000, options.maxSize, 16 * 1024 * 1024, 'introspection.cache.max', 'introspection.cache.maxSize')
    this.#refusing = boundedMap(options.negativeMax, 10_000, options.negativeMaxSize, 4 * 1024 * 1024, 'introspection.cache.negativeMax', 'introspection.cache.negativeMaxSize')
  }

  /** The answer stored under `key` if it has not expired. */
  get(key: string): CachedIntrospection | undefined {
    const now = this.now()
    return live(this.#accepting, key, now) ?? live(this.#refusing, key, now)
  }

  /** Remembers `record` until `expiresAt`, among the accepting or the refusing answers. */
  set(key: string, record: IntrospectionRecord, expiresAt: number, accepting: boolean, size: number): void {
    if (expiresAt <= this.now()) return
    const entry: Entry = { record, expiresAt, size }
    if (accepting) {
      this.#refusing.delete(key)
      this.#accepting.set(key, entry)
    } else {
      this.#accepting.delete(key)
      this.#refusing.set(key, entry)
    }
  }

  /** Entries held: accepting and refusing. */
  get sizes(): { accepting: number; refusing: number } {
    return { accepting: this.#accepting.size, refusing: this.#refusing.size }
  }
}

function live(map: LRUCache<string, Entry>, key: string, now: number): Entry | undefined {
  const entry = map.get(key)
  if (entry === undefined) return undefined
  if (now < entry.expiresAt) return entry
  map.delete(key)
  return undefined
}

function boundedMap(max: number | undefined, defaultMax: number, maxSize: number | undefined, defaultSize: number, maxName: string, sizeName: string): LRUCache<string, Entry> {
  const count = max ?? defaultMax
  const bytes = maxSize ?? defaultSize
  if (!Number.isInteger(count) || count < 1) throw new ConfigurationError(maxName, `"${maxName}" must be a positive integer`)
  if (!Number.isInteger(bytes) || bytes < 1) throw new ConfigurationError(sizeName, `"${sizeName}" must be a positive integer`)
  return new LRUCache<string, Entry>({ max: count, maxSize: bytes, sizeCalculation: (entry) => Math.max(1, entry.size) })
}
