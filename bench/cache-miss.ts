/**
 * What the verified-token cache costs on a miss (`npm run bench:cache`, issue 18: ≤ 2 µs): a lookup that
 * misses and the offer of the verified result, for a stream of one-off tokens against a full cache of
 * 10000 entries — with tokenguard's admission (`token-cache.ts`), and with the plain LRU insert-and-evict
 * it replaced (an `lru-cache` with the same bounds, keyed the same way). A hit's cost beside them, and the
 * cost of making the token string alone, which every case pays and which is subtracted.
 * One process, one operation at a time, rounds interleaved (see `micro/timing.ts`), median reported.
 */
import { LRUCache } from 'lru-cache'
import type * as Cache from '../packages/core/dist/token-cache.js'
import { timeGroup } from './micro/timing.js'
import type { CacheMissResult } from './support/hit-results.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { microSettings } from './support/settings.js'

// The cache is internal (no package subpath exports it): loaded from the built package.
const { TokenCache } = (await import(new URL('../../packages/core/dist/token-cache.js', import.meta.url).href)) as typeof Cache

const MAX = 10_000
const NOW = Math.floor(Date.now() / 1000)
// A realistic RS256 access token is ~700 characters; the tail differs per token, as signatures do.
const HEAD = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIn0.${'e'.repeat(400)}.${'s'.repeat(300)}`.split('').join('')
const value = { context: { claims: { sub: 'x' } } }
let counter = 0
const valueOf = () => value
const fresh = () => `${HEAD}${(counter++).toString(36).padStart(10, '0')}`

function filledAdmission(): InstanceType<typeof TokenCache<object>> {
  const cache = new TokenCache<object>({ max: MAX })
  for (let index = 0; index < MAX; index++) {
    const token = fresh()
    for (let sighting = 0; sighting < 3; sighting++) if (cache.get(token, NOW) === undefined) cache.set(token, valueOf, NOW - 60, NOW + 3600, cache.generation)
  }
  return cache
}

// The cache before admission: every verified token stored, the least recently used evicted (same bounds and key).
function filledLru(): LRUCache<string, { token: string }> {
  const cache = new LRUCache<string, { token: string }>({ max: MAX, maxSize: 32 * 1024 * 1024, sizeCalculation: (entry) => 2 * entry.token.length + 1024 })
  for (let index = 0; index < MAX; index++) {
    const token = fresh()
    cache.set(token.slice(-32), { token })
  }
  return cache
}

const admission = filledAdmission()
const lru = filledLru()
const reused = fresh()
for (let sighting = 0; sighting < 2; sighting++) admission.set(reused, valueOf, NOW - 60, NOW + 3600, admission.generation)

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`token cache miss cost on ${describeMachine(machine)}; ${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms per case, median\n`)
const timed = await timeGroup([
  // Making the string and flattening it (as keyOf's slice does): a request's token, sliced from its header, costs neither.
  ['token string only', () => fresh().slice(-32)],
  ['miss + offer, admission (one-off token, full cache)', () => {
    const token = fresh()
    if (admission.get(token, NOW) === undefined) admission.set(token, valueOf, NOW - 60, NOW + 3600, admission.generation)
  }],
  ['miss + insert + evict, plain LRU (before)', () => {
    const token = fresh()
    const key = token.slice(-32)
    if (lru.get(key) === undefined) lru.set(key, { token })
  }],
  ['hit (reused token)', () => admission.get(`${reused}`, NOW)],
], microSettings.roundMs, microSettings.rounds)

const base = timed[0]!.microsPerOp
for (const entry of timed) {
  const net = entry === timed[0] || entry === timed[3] ? '' : `  (${(entry.microsPerOp - base).toFixed(2)} µs of cache work)`
  console.log(`${entry.name.padEnd(52)} ${entry.microsPerOp.toFixed(2).padStart(6)} µs/op${net}`)
}
console.log(`\nadmission: ${admission.size} entries; plain LRU: ${lru.size} entries`)
const result: CacheMissResult = {
  kind: 'cache-miss',
  startedAt,
  machine,
  admissionMissMicros: timed[1]!.microsPerOp - base,
  plainLruMissMicros: timed[2]!.microsPerOp - base,
  hitMicros: timed[3]!.microsPerOp,
}
console.log(`saved ${await saveResult('cache-miss', result)}`)
