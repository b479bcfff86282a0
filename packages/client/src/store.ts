/**
 * Token stores: where cached tokens live. The default is in memory (per
 * process); `redisTokenStore` from @tokenguard/redis shares tokens between processes.
 */
import { createHash } from 'node:crypto'

/** A cached token response. Times are epoch milliseconds. */
export interface CachedToken {
  accessToken: string
  /** Token type as returned by the server (normally "Bearer"). */
  tokenType: string
  /** When the token expires (epoch ms). */
  expiresAt: number
  /** When the token was obtained (epoch ms); `expiresAt - obtainedAt` is its lifetime. */
  obtainedAt: number
  /** Granted scope, if the server said (else the requested scope, if any). */
  scope: string | undefined
  /** The full JSON token response as received. */
  raw: Record<string, unknown>
}

/** Storage for cached tokens. Implementations must be safe for concurrent use. */
export interface TokenStore {
  get(key: string): Promise<CachedToken | undefined>
  /** Stores `value`; it may be dropped after `ttlMs` milliseconds. */
  set(key: string, value: CachedToken, ttlMs: number): Promise<void>
  delete(key: string): Promise<void>
}

/** Everything that changes which token the server issues; two requests that differ in any of it never share a token. */
export interface CacheKeyParts {
  clientId: string
  /** Client authentication method. */
  auth: string
  /** Configured token endpoint, if any. */
  tokenEndpoint: string | undefined
  /** Configured issuer, if any (the endpoint is discovered from it when `tokenEndpoint` is absent). */
  issuer: string | undefined
  scope: string | undefined
  audience: string | undefined
  resource: readonly string[] | undefined
  /** Further token request parameters (e.g. an Auth0 `organization`). */
  extraParams: Readonly<Record<string, string>>
  /** The key tokens are bound to (DPoP), if any: tokens bound to another key are useless to this client. */
  binding?: string | undefined
}

/** Normalises a scope value: de-duplicated, sorted, space separated. */
export function normalizeScope(scope: string | readonly string[] | undefined): string | undefined {
  if (scope === undefined) return undefined
  const list = (typeof scope === 'string' ? scope.split(' ') : [...scope]).filter(Boolean)
  if (list.length === 0) return undefined
  return [...new Set(list)].sort().join(' ')
}

/**
 * A cache key for the token these parts ask for, without revealing any of them, and never derived from a
 * secret. Parameter order does not matter (scope, resource and extraParams are sorted).
 */
export function cacheKey(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    'v2',
    parts.clientId,
    parts.auth,
    parts.tokenEndpoint ?? null,
    parts.issuer ?? null,
    normalizeScope(parts.scope) ?? null,
    parts.audience ?? null,
    parts.resource ? [...parts.resource].sort() : null,
    Object.entries(parts.extraParams).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ...(parts.binding === undefined ? [] : [parts.binding]),
  ])
  return createHash('sha256').update(material).digest('base64url')
}

/** Default store: a Map in this process, entries dropped after their TTL. */
export function createMemoryStore(): TokenStore {
  const entries = new Map<string, { value: CachedToken; expiresAt: number }>()
  return {
    async get(key) {
      const entry = entries.get(key)
      if (!entry) return undefined
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key)
        return undefined
      }
      return entry.value
    },
    async set(key, value, ttlMs) {
      // Drop expired entries now and then so the map does not grow without bound.
      if (entries.size > 1000) {
        const now = Date.now()
        for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k)
      }
      entries.set(key, { value, expiresAt: Date.now() + ttlMs })
    },
    async delete(key) {
      entries.delete(key)
    },
  }
}

/** Checks that a stored value has the CachedToken shape (stores may hold foreign data). */
export function isCachedToken(value: unknown): value is CachedToken {
  if (value === null || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return (
    typeof v.accessToken === 'string' &&
    typeof v.tokenType === 'string' &&
    typeof v.expiresAt === 'number' &&
    typeof v.obtainedAt === 'number' &&
    (v.scope === undefined || typeof v.scope === 'string') &&
    typeof v.raw === 'object' &&
    v.raw !== null
  )
}
