/**
 * The verified-token cache. Machine-to-machine clients reuse one token for its whole lifetime, so an API
 * sees the same token thousands of times; a hit costs a map lookup and two comparisons with the clock. A
 * token is stored on its second full check, not its first, and a full cache only takes a token seen more
 * often lately than the entry it would evict (cache-admission.ts): one-off tokens cost no insertion.
 *
 * Safety rules: only successes are cached (a forgery is never remembered, and failures cannot evict good
 * entries); a hit is re-checked against the clock (`exp`, `nbf`, `maxTokenAge`, with the tolerance), and
 * requirements (scopes, claims) are applied per request by the caller; each entry remembers the key that
 * verified it, and when keys leave their key set the entries those keys verified are dropped, so no entry
 * outlives its key — and nothing else is dropped (a reordered set, another issuer's rotation).
 *
 * ECDSA twins (`ecdsa-canonical.ts`) are one entry: an ES* token is keyed on the start of its signature,
 * r, the half both twins share, and a twin of the stored token is a hit.
 *
 * Entries are keyed by a number: the admission table's salted 32-bit fingerprint of a part of the signature
 * (see `keyRegion`), so that a hit hashes 32 characters once, allocates no key string and looks up a small
 * integer. The entry keeps the whole token, compared on every hit: two tokens of one fingerprint (about one
 * pair in 2³¹) share a slot, the one verified last replacing the other, which is then a miss — never the
 * other's result.
 */
import { LRUCache } from 'lru-cache'
import { CacheAdmission } from './cache-admission.js'
import { areEcdsaTwins, isEcdsa } from './ecdsa-canonical.js'
import { retainedSize } from './retained-size.js'

/** Options of the verified-token cache. */
export interface TokenCacheOptions {
  /**
   * Most tokens remembered (least recently used are evicted first, for a token seen more often lately). A
   * token is stored on its second verification. Default is 10000.
   */
  max?: number | undefined
  /**
   * Most memory the entries may take, in bytes, estimated once per entry from what it keeps alive (token,
   * header, claims, scopes), so that long tokens or claims made of many small objects cannot grow the
   * heap past the budget. Default is 33554432 (32 MiB).
   */
  maxSize?: number | undefined
}

/** Where a verified result came from, told to {@link TokenCache.set}. */
export interface EntryOrigin {
  /** Identity of the key that verified the token (`keyIdentityOf`); the entry leaves with that key. */
  keyIdentity?: string | undefined
  /** The token's JWS `alg`: an ES* token's twin is the same entry. */
  alg?: string | undefined
  /** Everything the entry keeps alive, the token included (e.g. the auth context), sized for `maxSize`. */
  contents?: unknown
}

interface Entry<T> {
  /** The whole token: the map is keyed by a part of it only. */
  readonly token: string
  readonly value: T
  /** Epoch seconds from which the entry may be used (nbf minus tolerance). */
  readonly validFrom: number
  /** Epoch seconds from which the entry is no longer valid (exp, or iat + maxTokenAge, plus tolerance). */
  readonly validUntil: number
  readonly keyIdentity: string | undefined
  readonly alg: string | undefined
}

/** A drop of entries: those of some key identities, or all of them (`clear()`). */
interface Drop {
  generation: number
  identities: ReadonlySet<string> | 'all'
}

// Drops remembered for results still being verified; one verification older than all of them is not stored.
const DROP_LOG_LENGTH = 64

/** A bounded map from raw token to its verified result, valid for a clock window. */
export class TokenCache<T extends object> {
  readonly #entries: LRUCache<number, Entry<T>>
  /** Which verified tokens are worth storing (see cache-admission.ts): a one-off token is not. */
  readonly #admission: CacheAdmission
  /**
   * lru-cache's `get()` makes an options object per call when given none: this one, reused, costs a hit
   * nothing. Not frozen: lru-cache assigns `status` to it.
   */
  readonly #getOptions: LRUCache.GetOptions<number, Entry<T>, unknown> = { status: undefined }
  #generation = 0
  #drops: Drop[] = []

  constructor(options: TokenCacheOptions = {}) {
    const max = options.max ?? 10_000
    if (!Number.isInteger(max) || max < 1) throw new TypeError('tokenguard: "tokenCache.max" must be a positive integer')
    const maxSize = options.maxSize ?? 32 * 1024 * 1024
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new TypeError('tokenguard: "tokenCache.maxSize" must be a positive integer')
    this.#entries = new LRUCache<number, Entry<T>>({ max, maxSize })
    this.#admission = new CacheAdmission(max)
  }

  /** The cached result for `token` if it is still inside its validity window at `now` (epoch seconds). */
  get(token: string, now: number): T | undefined {
    const key = this.#keyOf(token)
    const entry = this.#entries.get(key, this.#getOptions)
    this.#getOptions.status = undefined // lru-cache writes a status object here when its metrics channel has subscribers
    // Another token with the same key is a plain miss (only verified tokens are ever stored), unless it is
    // the ECDSA twin of the stored one: it verifies exactly when the stored one does.
    if (entry === undefined) return undefined
    if (entry.token !== token && !(isEcdsa(entry.alg) && areEcdsaTwins(entry.token, token, entry.alg!))) return undefined
    if (now >= entry.validFrom && now < entry.validUntil) {
      this.#admission.record(key)
      return entry.value
    }
    this.#entries.delete(key)
    return undefined
  }

  /**
   * Remembers a verified result for the window `[validFrom, validUntil)`, built by `valueOf` only when the token
   * is admitted (a one-off token builds nothing). `generation` is the value of {@link TokenCache.generation}
   * when verification started: a result whose key left its key set while it was being verified is not remembered.
   */
  set(token: string, valueOf: () => T, validFrom: number, validUntil: number, generation: number, origin: EntryOrigin = {}): void {
    if (validUntil <= validFrom || this.#droppedSince(generation, origin.keyIdentity)) return
    const key = this.#keyOf(token)
    // Sized only for a token seen twice: a one-off token costs the cache nothing but the admission table.
    let size = 0
    const victim = () => {
      size = ENTRY_OVERHEAD + (origin.contents === undefined ? retainedSize(token) + UNKNOWN_CONTENTS : retainedSize(origin.contents))
      return this.#victimFor(key, size)
    }
    if (!this.#admission.admits(this.#admission.record(key), victim)) return
    const entry: Entry<T> = { token, value: valueOf(), validFrom, validUntil, keyIdentity: origin.keyIdentity, alg: origin.alg }
    this.#entries.set(key, entry, { size })
  }

  /** The entry that storing `size` bytes under `key` would evict first (the least recently used), or `undefined` when there is room. */
  #victimFor(key: number, size: number): number | undefined {
    const entries = this.#entries
    if (entries.size < entries.max && entries.calculatedSize + size <= entries.maxSize) return undefined
    if (entries.has(key)) return undefined
    for (const victim of entries.rkeys()) return victim
    return undefined
  }

  /**
   * Forgets what the keys of `identities` verified (they left their key set). Entries of no key identity
   * were verified by keys that never leave a set (a shared secret, a fixed public key) or introspected:
   * no key set change concerns them, so one issuer's rotation cannot flush another's entries.
   */
  dropVerifiedBy(identities: readonly string[]): void {
    const dropped = new Set(identities)
    this.#record(dropped)
    const doomed = [...this.#entries.entries()].filter(([, entry]) => entry.keyIdentity !== undefined && dropped.has(entry.keyIdentity))
    for (const [key] of doomed) this.#entries.delete(key)
  }

  /** Forgets everything. */
  clear(): void {
    this.#record('all')
    this.#entries.clear()
  }

  #keyOf(token: string): number {
    const start = keyRegion(token)
    return this.#admission.fingerprint(token, start, start === 0 ? token.length : start + KEY_LENGTH)
  }

  /** Changes with every drop. */
  get generation(): number {
    return this.#generation
  }

  get size(): number {
    return this.#entries.size
  }

  #record(identities: Drop['identities']): void {
    this.#generation += 1
    this.#drops.push({ generation: this.#generation, identities })
    if (this.#drops.length > DROP_LOG_LENGTH) this.#drops.shift()
  }

  #droppedSince(generation: number, identity: string | undefined): boolean {
    if (generation === this.#generation) return false
    if (this.#drops[0] === undefined || this.#drops[0].generation > generation + 1) return true // older than the log
    return this.#drops.some((drop) => drop.generation > generation && (drop.identities === 'all' || (identity !== undefined && drop.identities.has(identity))))
  }
}

// Every request brings a new string, so a key made of the whole token would hash all of it each time.
// A part of the signature is as unique as the token and costs a fraction to hash: its last characters,
// or, for signatures of the ECDSA lengths (r ‖ s of 64, 96 or 132 bytes: 86, 128 or 176 characters), its
// first ones — r, which ECDSA twins share. A signature holds no '.', so one character tells its length.
// A short token (an opaque one) is hashed whole. The entry keeps the whole token for the equality check.
const KEY_LENGTH = 32
const ECDSA_SIGNATURE_LENGTHS = [86, 128, 176]
const DOT = 46

/** Where the part of `token` its key is made of starts: `KEY_LENGTH` characters from there, or all of a short token (0). */
function keyRegion(token: string): number {
  const length = token.length
  for (let index = 0; index < ECDSA_SIGNATURE_LENGTHS.length; index++) {
    const signature = ECDSA_SIGNATURE_LENGTHS[index]!
    if (token.charCodeAt(length - signature - 1) === DOT) return length - signature
  }
  return length > 2 * KEY_LENGTH ? length - KEY_LENGTH : 0
}

// The entry, its map slot and the verified result's own wrapper objects.
const ENTRY_OVERHEAD = 256
// Without contents to measure, what claims and header of an ordinary token take.
const UNKNOWN_CONTENTS = 2048

/** The cache an options value asks for: `false` for none, else a cache (on by default). */
export function tokenCacheFrom<T extends object>(options: false | TokenCacheOptions | undefined): TokenCache<T> | undefined {
  return options === false ? undefined : new TokenCache<T>(options)
}
