/**
 * The load benchmark's tokens: `count` distinct RS256 tokens of the bench key (`signing.ts`), token `i`
 * always with the same claims, minted with `node:crypto` on one worker thread per core and kept in
 * `.bench-results/pool-<key fingerprint>-<count>.txt`, so a rerun reads them back instead of signing again.
 * A stored pool too small is extended (the missing indices minted, the file rewritten); one expiring within
 * a day is minted anew. Tokens live 30 days.
 */
import type { JsonWebKey } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
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
  const [meta, ...tokens] = (await readFile(path, 'utf8')).trimEnd().split('\n')
  const { iat, exp } = JSON.parse(meta!) as { iat: number; exp: number }
  return { path, pool: { iat, exp, tokens } }
}

async function store(fingerprint: string, pool: PoolFile): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, fileName(fingerprint, pool.tokens.length))
  await writeFile(path, `${JSON.stringify({ iat: pool.iat, exp: pool.exp })}\n${pool.tokens.join('\n')}\n`)
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
