/**
 * The load benchmark's tokens: `count` distinct RS256 tokens of the bench key (`signing.ts`), token `i`
 * always with the same claims, minted with `node:crypto` on one worker thread per core and kept in
 * `.bench-results/pool-<key fingerprint>-<count>.txt`, so a rerun reads them back instead of signing again.
 * A stored pool too small is extended (the missing indices minted, the file rewritten); one expiring within
 * a day is minted anew. Tokens live 30 days.
 */
import type { JsonWebKey } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { RESULTS_DIR } from '../support/results.js'
import type { BenchKey } from './signing.js'

export interface MintJob {
  privateJwk: JsonWebKey
  from: number
  to: number
  iat: number
  exp: number
}

interface PoolFile {
  iat: number
  exp: number
  tokens: string[]
}

const LIFETIME_SECONDS = 30 * 24 * 3600
const MIN_REMAINING_SECONDS = 24 * 3600

export interface Pool {
  tokens: string[]
  /** How many tokens had to be minted (0: all came from disk). */
  minted: number
  path: string
}

/** At least `count` tokens of `key`: the whole stored pool if it is large enough, else extended to `count`. */
export async function tokenPool(key: BenchKey, count: number): Promise<Pool> {
  const now = Math.floor(Date.now() / 1000)
  const stored = await largestStored(key.fingerprint)
  const usable = stored !== undefined && stored.pool.exp - now >= MIN_REMAINING_SECONDS ? stored.pool : undefined
  if (usable !== undefined && usable.tokens.length >= count) return { tokens: usable.tokens, minted: 0, path: stored!.path }
  const iat = usable?.iat ?? now
  const exp = usable?.exp ?? now + LIFETIME_SECONDS
  const have = usable?.tokens ?? []
  const added = await mint({ privateJwk: key.privateJwk, from: have.length, to: count, iat, exp })
  const pool: PoolFile = { iat, exp, tokens: [...have, ...added] }
  const path = await store(key.fingerprint, pool)
  if (stored !== undefined && stored.path !== path) await rm(stored.path, { force: true })
  return { tokens: pool.tokens, minted: added.length, path }
}

const fileName = (fingerprint: string, count: number) => `pool-${fingerprint}-${count}.txt`

async function largestStored(fingerprint: string): Promise<{ path: string; pool: PoolFile } | undefined> {
  const names = await readdir(RESULTS_DIR).catch(() => [] as string[])
  const counts = names.map((name) => new RegExp(`^pool-${fingerprint}-(\\d+)\\.txt$`).exec(name)?.[1]).filter((count) => count !== undefined).map(Number)
  if (counts.length === 0) return undefined
  const path = join(RESULTS_DIR, fileName(fingerprint, Math.max(...counts)))
  const [meta, ...tokens] = linesOf(await readFile(path))
  const { iat, exp } = JSON.parse(meta!) as { iat: number; exp: number }
  return { path, pool: { iat, exp, tokens } }
}

// A pool of a million tokens is larger than the longest string V8 makes (2^29 characters): the file is read
// and written a line at a time, never as one string.
function linesOf(file: Buffer): string[] {
  const lines: string[] = []
  for (let start = 0; start < file.length;) {
    const end = file.indexOf(0x0a, start)
    const stop = end === -1 ? file.length : end
    if (stop > start) lines.push(file.toString('latin1', start, stop))
    start = stop + 1
  }
  return lines
}

async function store(fingerprint: string, pool: PoolFile): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, fileName(fingerprint, pool.tokens.length))
  const file = createWriteStream(path)
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, 'drain')
  }
  await write(`${JSON.stringify({ iat: pool.iat, exp: pool.exp })}\n`)
  const CHUNK = 10_000
  for (let index = 0; index < pool.tokens.length; index += CHUNK) await write(`${pool.tokens.slice(index, index + CHUNK).join('\n')}\n`)
  file.end()
  await once(file, 'finish')
  return path
}

/** Signs indices `[from, to)` on one worker per core, each a contiguous share, in index order. */
async function mint(job: MintJob): Promise<string[]> {
  const total = job.to - job.from
  if (total <= 0) return []
  const workers = Math.min(availableParallelism(), Math.ceil(total / 1000))
  const share = Math.ceil(total / workers)
  const parts = Array.from({ length: workers }, (_, index) => {
    const from = job.from + index * share
    return runWorker({ ...job, from, to: Math.min(job.to, from + share) })
  })
  return (await Promise.all(parts)).flat()
}

function runWorker(job: MintJob): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./mint-worker.js', import.meta.url), { workerData: job })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => code === 0 || reject(new Error(`bench: a minting worker exited with ${code}`)))
  })
}
