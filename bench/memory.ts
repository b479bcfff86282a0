/**
 * Memory run (`npm run bench:memory`, needs `--expose-gc`): a million distinct valid tokens through
 * `verifier.verify` with the default token cache (10000 entries). Tokens are minted, verified and dropped
 * in batches, 32 verifications in flight; every 100000 tokens the heap is collected and RSS and heapUsed
 * are sampled. With a bounded cache, memory grows while the cache fills and then stays flat.
 * `BENCH_MEMORY_CACHE=off` runs the same with the cache off: the baseline growth of the process itself.
 */
import { createVerifier, type Verifier } from '@tokenguard/core'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'
import { memoryMarkdownTable, memoryTextTable, type MemoryResult, type MemorySample } from './memory/report.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'
import { memorySettings } from './support/settings.js'
import { memoryTargets, targetsTable } from './targets.js'

const DEFAULT_CACHE_MAX = 10_000
const SAMPLE_EVERY = 100_000
const WARMUP_TOKENS = 20_000
const CONCURRENCY = 32

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  console.error('bench: run with node --expose-gc (npm run bench:memory does)')
  process.exit(2)
}

function sample(tokens: number): MemorySample {
  gc!()
  gc!()
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
  return { tokens, rssMB: rss / 2 ** 20, heapUsedMB: heapUsed / 2 ** 20, heapTotalMB: heapTotal / 2 ** 20, externalMB: external / 2 ** 20 }
}

function newVerifier(cache = memorySettings.cache !== 'off'): Verifier {
  const tokenCache = cache ? undefined : false
  return createVerifier({ issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'], tokenCache })
}

/** Verifies `tokens` with `CONCURRENCY` verifications in flight (as a server with concurrent requests). */
async function verifyAll(verifier: Verifier, tokens: readonly string[]): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < tokens.length) await verifier.verify(tokens[next++]!)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}

/** Mints, verifies and drops tokens `from` … `to - 1`, `batch` at a time; calls `each` after every batch. */
async function verifyRange(verifier: Verifier, from: number, to: number, now: number, each?: (done: number) => void): Promise<void> {
  for (let start = from; start < to; start += memorySettings.batch) {
    const end = Math.min(start + memorySettings.batch, to)
    await verifyAll(verifier, Array.from({ length: end - start }, (_, i) => mintHs256(start + i, now)))
    each?.(end - from)
  }
}

const machine = machineInfo()
const startedAt = new Date().toISOString()
const total = memorySettings.tokens
const now = Math.floor(Date.now() / 1000)
const tokenLength = mintHs256(0, now).length
console.log(`memory run on ${describeMachine(machine)}`)
const cacheDescription = memorySettings.cache === 'off' ? 'token cache off (baseline)' : `default token cache (max ${DEFAULT_CACHE_MAX})`
console.log(`${total} distinct HS256 tokens of ${tokenLength} characters, ${cacheDescription}\n`)

// Warm the code paths with a throw-away verifier without a cache, so that "before" holds compiled code but
// no pages that a warm-up cache touched.
await verifyRange(newVerifier(false), -WARMUP_TOKENS, 0, now)
const before = sample(0)
const verifier = newVerifier()
const samples: MemorySample[] = []
const started = performance.now()
await verifyRange(verifier, 0, total, now, (done) => {
  if (done % SAMPLE_EVERY !== 0 && done !== total) return
  const last = sample(done)
  samples.push(last)
  console.log(`${String(done).padStart(8)} tokens  RSS ${last.rssMB.toFixed(1)} MB  heapUsed ${last.heapUsedMB.toFixed(1)} MB`)
})
const seconds = (performance.now() - started) / 1000
const after = samples.at(-1)!

const kind = memorySettings.cache === 'off' ? 'memory-baseline' : 'memory'
const result: MemoryResult = {
  kind,
  cache: memorySettings.cache,
  startedAt,
  machine,
  tokens: total,
  tokenLength,
  cacheMax: DEFAULT_CACHE_MAX,
  seconds,
  verifiesPerSecond: total / seconds,
  before,
  after,
  samples,
}
const saved = await saveResult(kind, result)
console.log(`\n${memoryTextTable(result)}\n`)
console.log(`${total} tokens minted and verified in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} verifications/s, GC samples included)\n`)
if (kind === 'memory') console.log(`${targetsTable(memoryTargets(result))}\n`)
console.log(`markdown:\n\n${memoryMarkdownTable(result)}\n`)
console.log(`saved ${saved}`)
// keep the verifier alive until the last sample
void verifier
