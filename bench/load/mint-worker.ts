/** A worker thread of `token-pool.ts`: signs the tokens of indices `[from, to)` and posts them back. */
import { parentPort, workerData } from 'node:worker_threads'
import { benchClaims, rs256Signer } from './signing.js'
import type { MintJob } from './token-pool.js'

const job = workerData as MintJob
const sign = rs256Signer(job.privateJwk)
const tokens: string[] = []
for (let index = job.from; index < job.to; index++) tokens.push(sign(benchClaims(index, job.iat, job.exp)))
parentPort!.postMessage(tokens)
