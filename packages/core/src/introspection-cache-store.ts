/**
 * A cache of introspection answers shared by a fleet of API instances (e.g. Redis, in `@tokenguard/redis`),
 * so that one token is introspected once per fleet rather than once per instance. Keys are hashes of the
 * token (never the token), values are the authorization server's answer and when it was given; every
 * instance applies its own rules to what it reads, so a stored answer can never outlive `cacheMaxAge`.
 */

/**
 * Where introspection answers are shared. Both methods may reject or hang: tokenguard bounds each call by
 * `timeoutDuration` and carries on without the store (emitting `introspection_store_failure`), so the store
 * is an optimisation, never a dependency.
 */
export interface IntrospectionCacheStore {
  /** The value last stored under `key` and not yet expired, or `undefined`/`null`. */
  get(key: string): Promise<string | undefined | null>
  /** Stores `value` under `key` for `ttlMs` milliseconds (a positive integer). */
  set(key: string, value: string, ttlMs: number): Promise<void>
}

/** One introspection answer: the response (RFC 7662 §2.2) and when the authorization server gave it. */
export interface IntrospectionRecord {
  /** The response members, or the `token_introspection` claim of a signed (RFC 9701) response. */
  readonly response: Readonly<Record<string, unknown>>
  /** Epoch milliseconds at which the authorization server answered. */
  readonly fetchedAt: number
}

/** The stored form of a record. */
export function encodeRecord(record: IntrospectionRecord): string {
  return JSON.stringify({ v: 1, r: record.response, t: record.fetchedAt })
}

/** Reads a stored record back; anything else (another version, a corrupt value) is `undefined`, a miss. */
export function decodeRecord(value: unknown): IntrospectionRecord | undefined {
  if (typeof value !== 'string') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { v, r, t } = parsed as { v?: unknown; r?: unknown; t?: unknown }
  if (v !== 1 || typeof r !== 'object' || r === null || Array.isArray(r) || typeof t !== 'number' || !Number.isFinite(t)) return undefined
  return { response: r as Record<string, unknown>, fetchedAt: t }
}
