/**
 * Memory budget run (`npm run bench:memory-budget`, needs `--expose-gc`): does the verified-token cache's
 * `maxSize` bound the heap whatever the claims look like? For each claim shape, distinct HS256 tokens of
 * about 7.8 KB (near the default 8192-character limit) are verified until the cache has been overfilled
 * several times; the heap growth after a full collection, divided by `maxSize`, is the ratio reported.
 * Adversarial shapes are claims made of many small objects or arrays, which take up to 28 bytes of heap per
 * character of JSON. The target is a ratio of at most 1.5 for every shape.
 *
 * Each shape runs in a process of its own, so that no shape measures another's garbage.
 * BENCH_BUDGET_MIB sets `maxSize` (default 32), BENCH_BUDGET_TOKENS the tokens per shape (default 6000).
 */
import { execFileSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createVerifier } from '@tokenguard/core'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET } from './memory/hs256.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  console.error('bench: run with node --expose-gc (npm run bench:memory-budget does)')
  process.exit(2)
}

const BUDGET = Number(process.env.BENCH_BUDGET_MIB ?? 32) * 2 ** 20
const TOKENS = Number(process.env.BENCH_BUDGET_TOKENS ?? 6000)
const TARGET_RATIO = 1.5
// JSON length of the filler claim: base64url makes ~7.7 KB of it, with header and signature under 8192.
const FILLER_JSON = 5600

/** Repeats `item(i)` in an array until its JSON is about `FILLER_JSON` characters. */
function filled(item: (index: number) => unknown): unknown[] {
  const list: unknown[] = []
  for (let length = 2; length < FILLER_JSON; length += JSON.stringify(list.at(-1)).length + 1) list.push(item(list.length))
  return list
}

function nested(depth: number): unknown {
  let value: unknown = []
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const SHAPES: ReadonlyArray<{ name: string; claims: (token: number) => Record<string, unknown> }> = [
  { name: 'plain string (control)', claims: () => ({ x: 'x'.repeat(FILLER_JSON) }) },
  { name: 'empty objects [{},{},…]', claims: () => ({ x: filled(() => ({})) }) },
  { name: 'empty arrays [[],[],…]', claims: () => ({ x: filled(() => []) }) },
  { name: 'nested arrays [[[…]]]', claims: () => ({ x: nested(FILLER_JSON / 2) }) },
  { name: 'one-member objects [{"a":0},…]', claims: () => ({ x: filled((i) => ({ a: i % 10 })) }) },
  { name: 'many members {"k0":0,…}', claims: () => ({ x: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, 0])) }) },
  { name: 'short strings ["a0","a1",…]', claims: () => ({ x: filled((i) => `a${i}`) }) },
  { name: 'numbers [0.5,1.5,…]', claims: () => ({ x: filled((i) => i + 0.5) }) },
  { name: 'scope of distinct words', claims: () => ({ scope: (filled((i) => `s${i}`) as string[]).join(' ') }) },
  // Names no other token uses: every object gets a hidden class (map) of its own, every name a new string.
  { name: 'objects of unique member names', claims: (token) => ({ x: filled((i) => ({ [`${token.toString(36)}_${i}`]: 0 })) }) },
  { name: 'members of unique names', claims: (token) => ({ x: Object.fromEntries(Array.from({ length: 450 }, (_, i) => [`${token.toString(36)}_${i}`, 0])) }) },
]

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')

function mint(index: number, now: number, claims: Record<string, unknown>): string {
  const payload = { iss: MEMORY_ISSUER, aud: MEMORY_AUDIENCE, sub: `client-${index}`, iat: now, exp: now + 3600, jti: `budget-${index}`, ...claims }
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${input}.${createHmac('sha256', MEMORY_SECRET).update(input).digest('base64url')}`
}

function heapUsed(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

interface ShapeResult {
  shape: string
  tokenLength: number
  growthMiB: number
  ratio: number
}

async function measure(name: string, claims: (token: number) => Record<string, unknown>): Promise<ShapeResult> {
  const now = Math.floor(Date.now() / 1000)
  const verifier = createVerifier({ issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'], tokenCache: { maxSize: BUDGET } })
  await verifier.verify(mint(-1, now, claims(-1))) // compiled paths and the verifier's own state before the baseline
  const before = heapUsed()
  for (let index = 0; index < TOKENS; index++) await verifier.verify(mint(index, now, claims(index)))
  const growth = heapUsed() - before
  // Used after the sample, so that the verifier (and its cache) is alive when the heap is measured.
  const last = mint(TOKENS - 1, now, claims(TOKENS - 1))
  if ((await verifier.verify(last)) !== (await verifier.verify(last))) throw new Error('bench: the last token is not cached')
  return { shape: name, tokenLength: last.length, growthMiB: growth / 2 ** 20, ratio: growth / BUDGET }
}

const only = process.env.BENCH_BUDGET_SHAPE
if (only !== undefined) {
  const shape = SHAPES[Number(only)]!
  console.log(JSON.stringify(await measure(shape.name, shape.claims)))
  process.exit(0)
}

console.log(`memory budget run on ${describeMachine(machineInfo())}`)
console.log(`maxSize ${BUDGET / 2 ** 20} MiB, ${TOKENS} distinct tokens per shape\n`)
const results: ShapeResult[] = []
for (const [index, shape] of SHAPES.entries()) {
  const output = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_BUDGET_SHAPE: String(index) }, encoding: 'utf8' })
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as ShapeResult
  results.push(result)
  console.log(`${shape.name.padEnd(34)} token ${String(result.tokenLength).padStart(5)} chars  heap +${result.growthMiB.toFixed(1).padStart(6)} MiB  ${result.ratio.toFixed(2)}× budget`)
}
const worst = results.reduce((max, result) => Math.max(max, result.ratio), 0)
console.log(`\nworst ratio ${worst.toFixed(2)}× (target ≤ ${TARGET_RATIO}×): ${worst <= TARGET_RATIO ? 'met' : 'NOT met'}`)
console.log(`saved ${await saveResult('memory-budget', { startedAt: new Date().toISOString(), machine: machineInfo(), budget: BUDGET, tokens: TOKENS, results, worst })}`)
