/**
 * One validated key set and what can be said about it: which keys it accepts (and which it refuses, and
 * why), which single algorithm each key verifies, how it differs from the previous one, how long it stays
 * fresh.
 */
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose'
import { boundAlgorithm } from './algorithm-binding.js'
import { keyProblem } from './key-hygiene.js'
import { keyIdentity } from './thumbprint.js'

/** A key set as received, screened, with the resolver built over its keys. */
export interface LoadedKeySet {
  /** The accepted keys as published (without the algorithm binding), for snapshots. */
  jwks: JSONWebKeySet
  resolve: JWTVerifyGetKey
  /** Identity (`thumbprint.ts`) → kid (or a placeholder) of every accepted key, to tell what changed. */
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

/** A member of a key set that is not used, and why (`key-hygiene.ts`). */
export interface RejectedKey {
  /** Its `kid` when it has a string one. */
  kid: string | undefined
  /** Its position in the set. */
  index: number
  reason: string
}

/** What a key set's keys are bound to: the issuer they belong to and the verifier's algorithms. */
export interface KeyBinding {
  /** Issuer identifier (or key set URL): identities of one issuer's keys can never name another's. */
  namespace: string
  /** The verifier's allowed algorithms, to bind keys without `alg` to one of them. */
  algorithms: readonly string[]
}

/** Sorts a key set's members into usable keys and refused ones; a set with more than `maxKeys` is refused as a whole. */
export function screenKeySet(body: unknown, maxKeys: number): { keys: JWK[]; rejected: RejectedKey[] } {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
    throw new TypeError('not a JWK Set (no "keys" array)')
  }
  const members = (body as { keys: unknown[] }).keys
  if (members.length > maxKeys) throw new TypeError(`JWK Set has ${members.length} keys, more than the ${maxKeys} allowed`)
  const keys: JWK[] = []
  const rejected: RejectedKey[] = []
  members.forEach((member, index) => {
    const reason = keyProblem(member)
    if (reason === undefined) keys.push(member as JWK)
    else rejected.push({ kid: kidOf(member), index, reason })
  })
  return { keys, rejected }
}

/** Screens a key set document and refuses it when no usable key is left, naming why each was refused. */
export function validateKeySet(body: unknown, maxKeys: number): JSONWebKeySet {
  const { keys, rejected } = screenKeySet(body, maxKeys)
  return acceptedKeySet(keys, rejected)
}

/** The accepted keys as a set, or a `TypeError` when there are none. */
export function acceptedKeySet(keys: JWK[], rejected: readonly RejectedKey[]): JSONWebKeySet {
  if (keys.length > 0) return { keys }
  const reasons = rejected.map((key) => `${describeKey(key)}: ${key.reason}`).join('; ')
  throw new TypeError(`JWK Set has no usable signature verification key${reasons === '' ? '' : ` (${reasons})`}`)
}

/** `key "kid"` or `key #3` for messages. */
export function describeKey(key: RejectedKey): string {
  return key.kid === undefined ? `key #${key.index}` : `key ${JSON.stringify(key.kid.replace(/[^\x20-\x7e]/g, '?').slice(0, 80))}`
}

function kidOf(member: unknown): string | undefined {
  const kid = typeof member === 'object' && member !== null ? (member as { kid?: unknown }).kid : undefined
  return typeof kid === 'string' ? kid : undefined
}

// Which accepted key a CryptoKey handed to jose came from: jose's verify result returns the key, and the
// verified-token cache tags each entry with the identity of the key that verified it.
const KEY_IDENTITIES = new WeakMap<object, string>()

/** The identity of the key that a key source's resolver returned, or `undefined` (a shared secret). */
export function keyIdentityOf(key: unknown): string | undefined {
  return typeof key === 'object' && key !== null ? KEY_IDENTITIES.get(key) : undefined
}

interface BoundKey {
  kid: string | undefined
  alg: string
  identity: string
  /** jose's resolver over this key alone: jose imports and caches it, and checks it once more. */
  resolve: JWTVerifyGetKey
  /** What `resolve` answered, once it answered with a key. */
  imported?: Awaited<ReturnType<JWTVerifyGetKey>>
}

/** Builds the resolver and identities for a screened set: every key bound to exactly one algorithm. */
export function loadKeySet(jwks: JSONWebKeySet, fetchedAt: number, freshUntil: number, binding: KeyBinding): LoadedKeySet {
  const identities = new Map<string, string>()
  const bound = jwks.keys.map((jwk, index): BoundKey => {
    const alg = boundAlgorithm(jwk, binding.algorithms)
    const identity = keyIdentity(binding.namespace, jwk, alg)
    identities.set(identity, jwk.kid ?? `(no kid #${index})`)
    return { kid: jwk.kid, alg, identity, resolve: createLocalJWKSet({ keys: [{ ...jwk, alg }] }) }
  })
  return { jwks, resolve: resolverOver(bound), identities, fetchedAt, freshUntil }
}

// The token's `alg` must be the one its key is bound to; jose's own JWK Set would let a key without `alg`
// verify any algorithm of its family.
function resolverOver(bound: readonly BoundKey[]): JWTVerifyGetKey {
  return async (header, token) => {
    const matches = bound.filter((key) => key.alg === header.alg && (header.kid === undefined || key.kid === header.kid))
    if (matches.length === 0) throw new joseErrors.JWKSNoMatchingKey()
    if (matches.length > 1) throw new joseErrors.JWKSMultipleMatchingKeys()
    const match = matches[0]!
    // jose's answer for a key bound to one algorithm never changes: once imported, the key is returned as is.
    if (match.imported !== undefined) return match.imported
    const key = await match.resolve(header, token)
    KEY_IDENTITIES.set(key, match.identity)
    match.imported = key
    return key
  }
}

/**
 * What changed between two sets: kids added and removed (for events), and the identities removed (for the
 * verified-token cache). A key whose kid, algorithm or material changed is both removed and added;
 * reordering members or their fields changes nothing.
 */
export function diffKeySets(previous: LoadedKeySet | undefined, next: LoadedKeySet): { added: string[]; removed: string[]; removedIdentities: string[] } {
  const before = previous?.identities ?? new Map<string, string>()
  const added = [...next.identities].filter(([identity]) => !before.has(identity)).map(([, kid]) => kid)
  const gone = [...before].filter(([identity]) => !next.identities.has(identity))
  return { added, removed: gone.map(([, kid]) => kid), removedIdentities: gone.map(([identity]) => identity) }
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
    const jwks = validateKeySet(snapshot.jwks, maxKeys) // keys today's checks refuse are dropped
    return { version: 1, issuer: snapshot.issuer, jwksUri: snapshot.jwksUri, jwks, fetchedAt: snapshot.fetchedAt!, freshUntil: snapshot.freshUntil! }
  } catch {
    return undefined
  }
}
