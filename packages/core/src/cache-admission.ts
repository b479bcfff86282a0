/**
 * Admission to the verified-token cache, in the manner of TinyLFU (Einziger, Friedman, Manes 2017): a token
 * is stored on its second verification, not its first, and once the cache is full only if it was seen more
 * often lately than the entry it would evict.
 *
 * Why: most tokens of a user-facing API are seen once or a few times, far apart; storing each one costs an
 * insertion and, once the cache is full, an eviction of an entry that was probably worth more. A
 * machine-to-machine token, reused for its whole lifetime, is stored on its second request and is a hit from
 * its third on.
 *
 * The memory is fixed when the cache is made, whatever the traffic: one 32-bit fingerprint and one counter
 * (0–15) per slot, 5 bytes, with 4 slots per entry the cache may hold, rounded up to a power of two (320 KiB
 * for the default `max` of 10000; at least 5 KiB, at most 20 MiB). Only verified tokens and hits are
 * counted, so forgeries cannot touch it; a fingerprint is a hash of the cache key salted per process, so a
 * client cannot aim its tokens at a slot. Counters are halved every `10 × slots / 4` sightings (TinyLFU's
 * sample of 10 × the cache's size), so an entry that was popular long ago gives way in time.
 *
 * A one-off token is still stored when its fingerprint matches one already in its bucket (a false second
 * sighting): the bucket takes log2(slots / 4) of the fingerprint's 31 bits, so each newcomer matches one of
 * the 4 slots with probability at most 4 × 2^(log2(slots / 4) − 31): 3 in 100 000 for the default `max` of
 * 10000 (65536 slots; measured: 14 insertions for 1 M one-off tokens), against every one for a plain LRU.
 *
 * Attacker's view: a client with valid tokens of its own evicts an entry only with a token it presented more
 * often lately than that entry was used, and at most one entry per presentation — never faster than the plain
 * LRU it replaces, where every new token evicted one.
 */

/** Slots per entry of the cache: room for the keys in the cache and as many again seen once or twice. */
const SLOTS_PER_ENTRY = 4
/** Fewest slots: below that a burst of one-off tokens would push an M2M token's first sighting out. */
const MIN_SLOTS = 1024
/** Most slots (4 M): 20 MiB for a cache of millions is more than anyone asks of a token cache. */
const MAX_SLOTS = 1 << 22
/** Counters saturate here: four bits' worth, as in TinyLFU, so that aging brings anyone down in a few halvings. */
const MOST_SIGHTINGS = 15
/** Slots per bucket: a key may sit in any of the WAYS slots of its bucket (set-associative, like a CPU cache). */
const WAYS = 4
/** Sightings between two halvings, per entry of the cache (TinyLFU's sample size is 10 × the cache's size). */
const AGING_PERIOD_PER_ENTRY = 10

/** Sighting counts of recently seen cache keys, in a table of fixed size. */
export class CacheAdmission {
  readonly #fingerprints: Int32Array
  readonly #counts: Uint8Array
  readonly #bucketMask: number
  readonly #salt = (Math.random() * 0x1_0000_0000) >>> 0
  readonly #agingPeriod: number
  #sinceAging = 0

  /** `capacity`: the cache's `max`; the table has 4 slots per entry, rounded up to a power of two. */
  constructor(capacity: number) {
    let slots = MIN_SLOTS
    while (slots < SLOTS_PER_ENTRY * capacity && slots < MAX_SLOTS) slots *= 2
    this.#fingerprints = new Int32Array(slots)
    this.#counts = new Uint8Array(slots)
    this.#bucketMask = slots / WAYS - 1
    this.#agingPeriod = (AGING_PERIOD_PER_ENTRY * slots) / SLOTS_PER_ENTRY
  }

  /**
   * The salted fingerprint of `key`'s characters from `start` to `end` (all of them by default): a nonzero
   * 32-bit integer, which {@link CacheAdmission.record} and {@link CacheAdmission.sightings} take in place of
   * the key — the token cache keys its entries by it, so that a hit hashes its key once and slices nothing.
   */
  fingerprint(key: string, start = 0, end = key.length): number {
    let hash = 0x811c9dc5 ^ this.#salt
    // FNV-1a over the UTF-16 code units. Signed, not unsigned: V8 keeps a 32-bit signed integer unboxed (an
    // unsigned one above 2³¹ would be a heap number, an allocation per hit); bit 0 set, so an empty slot (0) never matches.
    for (let index = start; index < end; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193)
    // FNV's low bits, which pick the bucket, hardly depend on the last characters: keys that differ only there
    // (a counter at the end) crowded a few buckets and lost their sightings. MurmurHash3's finalizer mixes every
    // bit into every other.
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
    return (hash ^ (hash >>> 16)) | 1
  }

  /** Counts one sighting of `key` (a verification or a hit); answers the sightings so far, this one included. */
  record(key: string | number): number {
    if (++this.#sinceAging >= this.#agingPeriod) this.#age()
    const fingerprint = this.#fingerprintOf(key)
    const first = this.#bucketOf(fingerprint)
    const fingerprints = this.#fingerprints
    const counts = this.#counts
    for (let slot = first; slot < first + WAYS; slot++) {
      if (fingerprints[slot] !== fingerprint) continue
      const count = Math.min(counts[slot]! + 1, MOST_SIGHTINGS)
      counts[slot] = count
      return count
    }
    // A newcomer takes the place of the oldest of the least seen keys of its bucket: keys seen twice or more
    // stay while the bucket has one-off keys (or empty places) to give up.
    let replaced = first + WAYS - 1
    for (let slot = replaced - 1; slot >= first; slot--) if (counts[slot]! < counts[replaced]!) replaced = slot
    // Slots of a bucket are kept newest first, so that "oldest" is the one furthest along.
    fingerprints.copyWithin(first + 1, first, replaced)
    counts.copyWithin(first + 1, first, replaced)
    fingerprints[first] = fingerprint
    counts[first] = 1
    return 1
  }

  /** How often `key` was seen lately (0 when it was forgotten, or never seen). */
  sightings(key: string | number): number {
    const fingerprint = this.#fingerprintOf(key)
    const first = this.#bucketOf(fingerprint)
    for (let slot = first; slot < first + WAYS; slot++) if (this.#fingerprints[slot] === fingerprint) return this.#counts[slot]!
    return 0
  }

  /**
   * Whether a verified token seen `sightings` times (by {@link CacheAdmission.record}) should go into the
   * cache, evicting the least recently used entry `victim()` (`undefined` when the cache has room): not on
   * its first sighting, and when the cache is full only if it was seen more often lately than the victim.
   * Ties keep the victim: a round-robin over more tokens than the cache holds then keeps a stable set as hits
   * instead of evicting on every miss. `victim` is asked only for a token seen twice or more, so that a
   * one-off token costs the cache nothing but this table.
   */
  admits(sightings: number, victim: () => string | number | undefined): boolean {
    if (sightings < 2) return false
    const evicted = victim()
    return evicted === undefined || sightings > this.sightings(evicted)
  }

  /** Slots in the table (its memory is 5 bytes each). */
  get slots(): number {
    return this.#counts.length
  }

  #age(): void {
    this.#sinceAging = 0
    const counts = this.#counts
    for (let slot = 0; slot < counts.length; slot++) counts[slot]! >>= 1
  }

  // Bit 0 of a fingerprint is always set: the bucket comes from the bits above it.
  #bucketOf(fingerprint: number): number {
    return ((fingerprint >>> 1) & this.#bucketMask) * WAYS
  }

  #fingerprintOf(key: string | number): number {
    return typeof key === 'number' ? key : this.fingerprint(key)
  }
}
