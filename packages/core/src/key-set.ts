/**
 * One validated key set and what can be said about it: which keys it accepts, how it differs from the
 * previous one, how long it stays fresh.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose'

/** A key set as received, validated, with the jose resolver built over it. */
export interface LoadedKeySet {
  jwks: JSONWebKeySet
  resolve: JWTVerifyGetKey
  /** One identity string per key (kid + material), to tell what changed. */
  identities: Map<string, string>
  /** Epoch milliseconds when it was fetched. */
  fetchedAt: number
  /** Epoch milliseconds until which it is fresh. */
  freshUntil: number
}

/** A JSON-serialisable snapshot of a key source, to persist across cold starts (serverless). */
export interface KeySetSnapshot {
  version: 1
  /** The issuer whose discovery led to `jwksUri`, when discovery was used. */
  issuer?: string | undefined
  /** Where the keys came from; an import is ignored when it does not match the configuration. */
  jwksUri: string
  jwks: JSONWebKeySet
  fetchedAt: number
  freshUntil: number
}

// Members that only private or symmetric keys carry: a published verification key set has none of them.
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const

/**
 * Validates a key set document. Private or symmetric keys and keys not meant for signatures are dropped;
 * a set left with no usable key, or with more than `maxKeys`, is refused as a whole.
 */
export function validateKeySet(body: unknown, maxKeys: number): JSONWebKeySet {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
    throw new TypeError('not a JWK Set (no "keys" array)')
  }
  const keys = (body as { keys: unknown[] }).keys
  if (keys.length > maxKeys) throw new TypeError(`JWK Set has ${keys.length} keys, more than the ${maxKeys} allowed`)
  const usable = keys.filter(isUsableVerificationKey)
  if (usable.length === 0) throw new TypeError('JWK Set has no usable signature verification key')
  return { keys: usable }
}

function isUsableVerificationKey(key: unknown): key is JWK {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false
  const jwk = key as Record<string, unknown>
  if (typeof jwk.kty !== 'string' || jwk.kty === 'oct') return false
  if (jwk.use !== undefined && jwk.use !== 'sig') return false
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return false
  return SECRET_MEMBERS.every((member) => jwk[member] === undefined)
}

/** Builds the resolver and identities for a validated set. */
export function loadKeySet(jwks: JSONWebKeySet, fetchedAt: number, freshUntil: number): LoadedKeySet {
  const identities = new Map<string, string>()
  jwks.keys.forEach((key, index) => identities.set(JSON.stringify(key), key.kid ?? `(no kid #${index})`))
  return { jwks, resolve: createLocalJWKSet(jwks), identities, fetchedAt, freshUntil }
}

/** Key ids added and removed between two sets; a key whose material changed under the same kid is both. */
export function diffKeySets(previous: LoadedKeySet | undefined, next: LoadedKeySet): { added: string[]; removed: string[] } {
  const before = previous?.identities ?? new Map<string, string>()
  const added = [...next.identities].filter(([identity]) => !before.has(identity)).map(([, kid]) => kid)
  const removed = [...before].filter(([identity]) => !next.identities.has(identity)).map(([, kid]) => kid)
  return { added, removed }
}

const MIN_CACHE_CONTROL_AGE = 60_000
const MAX_CACHE_CONTROL_AGE = 86_400_000

/**
 * Freshness for a fetched set: the response's `Cache-Control: max-age`, bounded to 1 minute – 24 hours so
 * that neither a `max-age=0` nor a year-long one can be imposed by the server, else `cacheMaxAge`.
 */
export function freshnessFor(cacheControl: string | null, cacheMaxAge: number, honorCacheControl: boolean): number {
  if (!honorCacheControl || cacheControl === null) return cacheMaxAge
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/i.exec(cacheControl)
  if (match === null) return cacheMaxAge
  const seconds = Number(match[1])
  return Math.min(MAX_CACHE_CONTROL_AGE, Math.max(MIN_CACHE_CONTROL_AGE, seconds * 1000))
}

const MAX_SNAPSHOT_SKEW = 60_000

/** Reads a snapshot back, or returns `undefined` when it is not one this version wrote. */
export function parseSnapshot(value: unknown, maxKeys: number): KeySetSnapshot | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const snapshot = value as Partial<KeySetSnapshot>
  if (snapshot.version !== 1 || typeof snapshot.jwksUri !== 'string') return undefined
  if (!Number.isFinite(snapshot.fetchedAt) || !Number.isFinite(snapshot.freshUntil)) return undefined
  // A snapshot from the future, or fresh for longer than any response could make it, is not one we wrote.
  if (snapshot.fetchedAt! > Date.now() + MAX_SNAPSHOT_SKEW) return undefined
  if (snapshot.freshUntil! < snapshot.fetchedAt! || snapshot.freshUntil! - snapshot.fetchedAt! > MAX_CACHE_CONTROL_AGE) return undefined
  try {
    const jwks = validateKeySet(snapshot.jwks, maxKeys)
    return { version: 1, issuer: snapshot.issuer, jwksUri: snapshot.jwksUri, jwks, fetchedAt: snapshot.fetchedAt!, freshUntil: snapshot.freshUntil! }
  } catch {
    return undefined
  }
}
