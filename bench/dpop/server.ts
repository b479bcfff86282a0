/**
 * One API of the DPoP benchmark in its own process: `fork('dpop/server.js', [adapter])` with the issuer's key
 * set in `BENCH_DPOP_JWKS`. GET /data requires `read:data`; DPoP is on (proofs name the public origin), with a
 * replay store large enough that the flood of fresh proofs is measured, not refused. Reports `{ port }`, then
 * answers `'usage'` with its CPU time, memory and the replay store's size.
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVerifier, memoryReplayStore, type ReplayStore } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import express4 from 'express4'
import Fastify from 'fastify'
import { BENCH_DPOP, type DPoPServerMessage } from './shared.js'

const adapter = process.argv[2] ?? ''
let remembered = 0
const inner = memoryReplayStore({ maxEntries: BENCH_DPOP.replayStoreEntries })
const store: ReplayStore = {
  remember(key, ttlMs) {
    const first = inner.remember(key, ttlMs)
    if (first === true) remembered++
    return first
  },
}
const verifier = createVerifier({
  issuer: BENCH_DPOP.issuer,
  audience: BENCH_DPOP.audience,
  jwks: JSON.parse(process.env.BENCH_DPOP_JWKS ?? '{}'),
  origin: BENCH_DPOP.origin,
  dpop: { replayStore: store, maxProofAge: BENCH_DPOP.maxProofAge },
})
const body = { ok: true }

async function listen(): Promise<number> {
  if (adapter === 'fastify') {
    const app = Fastify({ logger: false })
    await app.register(tokenguard, { verifier, warmup: 'off' })
    app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, async () => body)
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
  }
  const app = adapter === 'express4' ? (express4() as unknown as express.Express) : express()
  app.set('env', 'production')
  app.get('/data', authenticate({ verifier, logger: false }), requireScopes('read:data'), (_req, res) => void res.json(body))
  const server = app.listen(0, '127.0.0.1') as Server
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

const port = await listen()
process.on('message', (message) => {
  if (message !== 'usage') return
  const cpu = process.cpuUsage()
  process.send?.({ cpuMicros: cpu.user + cpu.system, memory: process.memoryUsage(), remembered } satisfies DPoPServerMessage)
})
process.on('disconnect', () => process.exit(0))
process.send?.({ port } satisfies DPoPServerMessage)
