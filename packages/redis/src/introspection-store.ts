/**
 * An IntrospectionCacheStore for @tokenguard/core on Redis, so that a fleet of API instances introspects
 * an opaque token once rather than once per instance (RFC 7662 answers shared, each instance judging
 * what it reads by its own rules).
 */
import type { IntrospectionCacheStore } from '@tokenguard/core'
import { assertCommands, assertOptions, settlePrefix } from './options.js'

/** The ioredis commands the introspection store uses (an ioredis `Redis` or `Cluster` has them). */
export interface RedisIntrospectionCommands {
  get(key: string): Promise<string | null>
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>
}

export interface RedisIntrospectionStoreOptions {
  /**
   * Prefix of every Redis key. Keys are the prefix plus the verifier's SHA-256 hash of issuer, client id and
   * token (never the token). Default `"tokenguard:introspection:"`.
   */
  prefix?: string
}

const STORE = 'redisIntrospectionStore'

/**
 * An introspection cache store on an existing Redis connection (e.g. `new Redis(url)` from ioredis), which
 * the store never closes; give it as `introspection.cacheStore`. Values are the authorization server's
 * answers (claims, never the token): protect Redis like any store of user data. A failing or slow Redis is
 * skipped by the verifier (bounded by `timeoutDuration`), never an outage.
 */
export function redisIntrospectionStore(redis: RedisIntrospectionCommands, options: RedisIntrospectionStoreOptions = {}): IntrospectionCacheStore {
  assertCommands(redis, STORE, ['get', 'set'])
  assertOptions(options, STORE, ['prefix'])
  const prefix = settlePrefix(options.prefix, STORE, 'tokenguard:introspection:')
  return {
    get: (key) => redis.get(prefix + key),
    async set(key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', Math.max(1, Math.floor(ttlMs)))
    },
  }
}
