/**
 * A TokenStore on Redis, so that several processes share one token per
 * (client, scope, audience/resource) instead of each fetching its own.
 * Works with an ioredis client (an optional peer dependency); anything with
 * the same get/set/del methods works too.
 */
import { isCachedToken, type CachedToken, type TokenStore } from './store.js'

/** The subset of the ioredis client API this store uses. */
export interface RedisLike {
  get(key: string): Promise<string | null>
  set(key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>
  del(key: string): Promise<number>
}

export interface RedisStoreOptions {
  /**
   * Prefix of every Redis key. Keys are `prefix` + a SHA-256 hash of client
   * ID, endpoint, scope and audience/resource (never of the secret).
   * Default "tokenguard:token:".
   */
  prefix?: string
}

/**
 * Creates a store on an existing Redis connection (e.g. `new Redis(url)` from
 * ioredis). The connection is not closed by the store.
 *
 * Tokens are stored in plain text: protect the Redis instance like the
 * tokens themselves.
 */
export function createRedisStore(redis: RedisLike, options: RedisStoreOptions = {}): TokenStore {
  const prefix = options.prefix ?? 'tokenguard:token:'
  return {
    async get(key) {
      const raw = await redis.get(prefix + key)
      if (raw === null) return undefined
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch {
        return undefined
      }
      return isCachedToken(value) ? value : undefined
    },
    async set(key: string, value: CachedToken, ttlMs: number) {
      const ttl = Math.max(1, Math.floor(ttlMs))
      await redis.set(prefix + key, JSON.stringify(value), 'PX', ttl)
    },
    async delete(key) {
      await redis.del(prefix + key)
    },
  }
}
