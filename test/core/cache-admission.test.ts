/**
 * Admission to the verified-token cache (issue 18): a verified token is stored on its second sighting, a
 * stream of one-off tokens never inserts anything, a full cache keeps what is asked for more often, and the
 * doorkeeper's memory is fixed whatever the traffic. Counted, never timed.
 *
 * The cache and its admission are internal (no package subpath exports them), so they are loaded from the
 * built package: types from the declaration files, code by a URL relative to this file's place in build/.
 * Insertions are counted on the cache's own LRU map, the one `token-cache.ts` stores into.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LRUCache } from 'lru-cache'
import type * as Admission from '../../packages/core/dist/cache-admission.js'
import type * as Cache from '../../packages/core/dist/token-cache.js'

const load = async <T>(path: string) => (await import(new URL(`../../../${path}`, import.meta.url).href)) as T
const { TokenCache } = await load<typeof Cache>('packages/core/dist/token-cache.js')
const { CacheAdmission } = await load<typeof Admission>('packages/core/dist/cache-admission.js')

const NOW = 1_000_000
const VALID_UNTIL = NOW + 3600

/** An RS256-shaped token (342-character signature), distinct per `name` in its last characters (the part the cache keys on). */
function token(name: string): string {
  return `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.${name.padStart(342, 'A')}`
}

// Counts the stores into every LRU map while `run` runs: the cache's insertions, evictions included.
function insertionsDuring(run: () => void): number {
  const original = LRUCache.prototype.set
  let count = 0
  LRUCache.prototype.set = function (this: LRUCache<object, object>, ...args: Parameters<typeof original>) {
    count += 1
    return original.apply(this, args)
  } as typeof original
  try {
    run()
  } finally {
    LRUCache.prototype.set = original
  }
  return count
}

/** What the verifier does per request: a hit, or a full check (here: none) and an offer to the cache. */
function present(cache: InstanceType<typeof TokenCache<{ name: string }>>, name: string): 'hit' | 'miss' {
  const raw = token(name)
  if (cache.get(raw, NOW) !== undefined) return 'hit'
  cache.set(raw, () => ({ name }), NOW - 10, VALID_UNTIL, cache.generation)
  return 'miss'
}

describe('cache admission', () => {
  test('the counting device sees the cache\'s insertions', () => {
    const cache = new TokenCache<{ name: string }>({ max: 10 })
    assert.equal(insertionsDuring(() => {
      for (const name of ['a', 'a', 'b', 'b']) present(cache, name)
    }), 2)
    assert.equal(cache.size, 2)
  })

  test('a stream of one-off tokens causes (almost) no insertions', () => {
    // A one-off token is stored only when its fingerprint matches one already in its bucket, a false
    // "second sighting": for max 1000 (1024 buckets of 4 slots, the bucket taking 10 of the fingerprint's 31
    // bits) at most 4 × 2⁻²¹ per token, measured 0.05 insertions per 50 000 one-off tokens (mean of 40 runs).
    // "Exactly 0" failed about one run in twenty; more than 3 has a probability under 10⁻⁶ (Poisson), while
    // a plain LRU would insert all 50 000.
    const cache = new TokenCache<{ name: string }>({ max: 1000 })
    const insertions = insertionsDuring(() => {
      for (let index = 0; index < 50_000; index++) assert.equal(present(cache, `one-off-${index}`), 'miss')
    })
    assert.ok(insertions <= 3, `${insertions} insertions for 50 000 one-off tokens`)
    assert.equal(cache.size, insertions)
  })

  test('a token is stored on its second sighting and is a hit from its third on', () => {
    const cache = new TokenCache<{ name: string }>()
    assert.deepEqual(['m2m', 'm2m', 'm2m', 'm2m'].map((name) => present(cache, name)), ['miss', 'miss', 'hit', 'hit'])
  })

  test('an M2M token amid a flood of one-off tokens still becomes a hit', () => {
    const cache = new TokenCache<{ name: string }>({ max: 1000 })
    const outcomes: string[] = []
    for (let index = 0; index < 20_000; index++) {
      if (index % 100 === 0) outcomes.push(present(cache, 'm2m'))
      else present(cache, `user-${index}`)
    }
    assert.deepEqual(outcomes.slice(0, 3), ['miss', 'miss', 'hit'])
    assert.ok(outcomes.slice(2).every((outcome) => outcome === 'hit'))
    // The M2M token, and (rarely: ~0.02 expected, see above) a one-off token whose fingerprint matched another's.
    assert.ok(cache.size >= 1 && cache.size <= 4, `${cache.size} entries`)
  })

  test('a working set that fits is stored in full', () => {
    const cache = new TokenCache<{ name: string }>({ max: 10_000 })
    const names = Array.from({ length: 5000 }, (_, index) => `user-${index}`)
    for (let round = 0; round < 3; round++) for (const name of names) present(cache, name)
    // With a 4-way doorkeeper of 4 × max slots, a key is only lost when five of the 5000 share its bucket.
    const hits = names.filter((name) => present(cache, name) === 'hit').length
    assert.ok(hits >= 4950, `${hits} of 5000 were hits`)
  })

  test('a full cache keeps a stable set instead of evicting on every miss (round-robin over more tokens than it holds)', () => {
    const cache = new TokenCache<{ name: string }>({ max: 1000 })
    const names = Array.from({ length: 1200 }, (_, index) => `user-${index}`)
    for (let round = 0; round < 5; round++) for (const name of names) present(cache, name)
    let hits = 0
    const insertions = insertionsDuring(() => {
      for (const name of names) if (present(cache, name) === 'hit') hits += 1
    })
    // Plain LRU would miss all 1200 and insert 1200 times.
    assert.ok(hits >= 900, `${hits} of 1200 were hits`)
    assert.ok(insertions <= 100, `${insertions} insertions in one round`)
    assert.equal(cache.size, 1000)
  })

  test('an attacker with valid tokens, each sent twice, does not push out the entries in use', () => {
    const cache = new TokenCache<{ name: string }>({ max: 1000 })
    const legit = Array.from({ length: 1000 }, (_, index) => `legit-${index}`)
    for (let round = 0; round < 3; round++) for (const name of legit) present(cache, name)
    let attacker = 0
    let legitHits = 0
    for (const name of legit) {
      if (present(cache, name) === 'hit') legitHits += 1
      for (let copy = 0; copy < 2; copy++) present(cache, `attacker-${attacker}`)
      attacker += 1
    }
    // Under plain LRU each attacker token evicts one entry, so nearly all the legitimate ones would miss. Here a
    // few do (~8 %): keys whose sightings fell out of a crowded bucket of the doorkeeper look unused.
    assert.ok(legitHits >= 850, `${legitHits} of 1000 legitimate requests were hits`)
  })

  test('an entry popular long ago gives way: counts age, so a new M2M token gets in', () => {
    const cache = new TokenCache<{ name: string }>({ max: 10 })
    const old = Array.from({ length: 10 }, (_, index) => `old-${index}`)
    for (let round = 0; round < 20; round++) for (const name of old) present(cache, name)
    let admittedAfter = -1
    // Aging halves every count after 10 × 1024 / 4 sightings (the smallest table): a bounded wait, not forever.
    for (let request = 0; request < 20_000; request++) {
      if (present(cache, 'new-m2m') === 'hit') {
        admittedAfter = request
        break
      }
    }
    assert.ok(admittedAfter > 0, 'the new token was admitted')
  })

  test('the doorkeeper\'s memory is fixed by max, whatever the traffic', () => {
    assert.equal(new CacheAdmission(1).slots, 1024, 'at least 1024 slots')
    assert.equal(new CacheAdmission(10_000).slots, 65_536, '4 × max rounded up to a power of two')
    assert.equal(new CacheAdmission(1e9).slots, 1 << 22, 'at most 4 M slots (20 MiB)')
    const admission = new CacheAdmission(1000)
    for (let index = 0; index < 200_000; index++) admission.record(`key-${index}`)
    assert.equal(admission.slots, 4096)
    assert.equal(admission.sightings('key-0'), 0, 'long-gone keys are forgotten')
    assert.equal(admission.record('key-199999'), 2, 'recent ones are remembered')
  })

  test('a first sighting is never admitted; when the cache is full, ties keep the victim', () => {
    const admission = new CacheAdmission(100)
    let victimAsked = 0
    const room = () => (victimAsked++, undefined)
    assert.equal(admission.admits(admission.record('a'), room), false)
    assert.equal(victimAsked, 0, 'a first sighting does not even look for a victim')
    assert.equal(admission.admits(admission.record('a'), room), true)
    admission.record('victim')
    admission.record('victim')
    assert.equal(admission.admits(2, () => 'victim'), false)
    assert.equal(admission.admits(3, () => 'victim'), true)
    assert.equal(admission.admits(2, () => 'never-seen'), true)
  })
})
