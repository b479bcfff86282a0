/**
 * A TokenStore for @tokenguard/client on Redis, so that several processes share one token per
 * (client, scope, audience/resource) instead of each fetching its own.
 */
import { isCachedToken, type CachedToken, type TokenStore } from '@tokenguard/client'
import { assertCommands, assertOptions, settlePrefix } from './options.js'

/** The ioredis commands the token store uses (an ioredis `Redis` or `Cluster` has them). */
export interface RedisTokenCommands {
  get(key: string): Promise<string | null>
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>
  del(key: string): Promise<number>
}

export interface RedisTokenStoreOptions {
  /**
   * Prefix of every Redis key. Keys are the prefix plus a SHA-256 hash of client ID, endpoint, scope and
   * audience/resource (never of the secret). Default `"tokenguard:token:"`.
   */
  prefix?: string
}

const STORE = 'redisTokenStore'

/**
 * A token store on an existing Redis connection (e.g. `new Redis(url)` from ioredis), which the store
 * never closes. Tokens are stored in plain text: protect Redis like the tokens themselves.
 */
export function redisTokenStore(redis: RedisTokenCommands, options: RedisTokenStoreOptions = {}): TokenStore {
  assertCommands(redis, STORE, ['get', 'set', 'del'])
  assertOptions(options, STORE, ['prefix'])
  const prefix = settlePrefix(options.prefix, STORE, 'tokenguard:token:')
  return {
    async get(key) {
      const raw = await redis.get(prefix + key)
      return raw === null ? undefined : parseCachedToken(raw)
    },
    async set(key: string, value: CachedToken, ttlMs: number) {
      await redis.set(prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.floor(ttlMs)))
    },
    async delete(key) {
      await redis.del(prefix + key)
    },
  }
}

// Redis may hold anything under our keys (another version, another program): such values are a miss.
function parseCachedToken(raw: string): CachedToken | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    return isCachedToken(value) ? value : undefined
  } catch {
    return undefined
  }
}
