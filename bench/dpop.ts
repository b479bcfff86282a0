/**
 * DPoP benchmark (`npm run bench:dpop`): per adapter, in one run, requests/s and server CPU per request with a
 * reused bearer token against a reused DPoP-bound token with a fresh proof on every request (what a DPoP
 * client sends), rounds interleaved; then the replay store's memory under that flood of fresh proofs, and the
 * default in-memory store flooded past its bound.
 *
 * Proofs are made before each adapter's runs (ES256, unique jti each) and handed out one per request, so the
 * load generator does not sign inside the measured time. Settings: BENCH_DURATION, BENCH_ROUNDS,
 * BENCH_WARMUP, BENCH_CONNECTIONS (as the load benchmark), BENCH_DPOP_PROOFS (proofs per adapter, default 80000).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { memoryReplayStore, ReplayStoreUnavailableError } from '@tokenguard/core'
import autocannon from 'autocannon'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { BENCH_DPOP, type DPoPServerMessage } from './dpop/shared.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { loadSettings as settings } from './support/settings.js'
import { fmt, markdownTable, ratio, textTable } from './support/table.js'

const ADAPTERS = ['express5', 'express4', 'fastify']
const PROOFS = Number(process.env.BENCH_DPOP_PROOFS ?? 80_000)
const HTU = `${BENCH_DPOP.origin}/data`

console.log(`DPoP benchmark on ${describeMachine(machineInfo())}`)
console.log(`${settings.connections} connections; per adapter ${settings.warmup} s warm-up per workload, then ${settings.rounds} interleaved rounds of ${settings.duration} s\n`)

const signing = await generateKeyPair('ES256', { extractable: true })
const signingJwk = { ...(await exportJWK(signing.publicKey)), kid: 'bench-es256', alg: 'ES256' }
const client = await generateKeyPair('ES256', { extractable: true })
const clientJwk = await exportJWK(client.publicKey)
const now = Math.floor(Date.now() / 1000)
const claims = { iss: BENCH_DPOP.issuer, aud: BENCH_DPOP.audience, sub: 'bench', client_id: 'bench', iat: now, exp: now + 3600, scope: 'read:data' }
const sign = (payload: object) => new SignJWT(payload as never).setProtectedHeader({ alg: 'ES256', kid: 'bench-es256', typ: 'at+jwt' }).sign(signing.privateKey)
const bearerToken = await sign({ ...claims, jti: randomUUID() })
const dpopToken = await sign({ ...claims, jti: randomUUID(), cnf: { jkt: await calculateJwkThumbprint(clientJwk) } })
const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(dpopToken))).toString('base64url')

async function makeProofs(count: number): Promise<string[]> {
  const proofs: string[] = []
  const iat = Math.floor(Date.now() / 1000)
  for (let i = 0; i < count; i++) {
    proofs.push(await new SignJWT({ htm: 'GET', htu: HTU, iat, jti: randomUUID(), ath }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: clientJwk }).sign(client.privateKey))
  }
  return proofs
}

interface Server {
  url: string
  usage(): Promise<DPoPServerMessage>
  stop(): Promise<void>
}

async function startServer(adapter: string): Promise<Server> {
  const child: ChildProcess = fork(new URL('./dpop/server.js', import.meta.url), [adapter], {
    env: { ...process.env, NODE_ENV: 'production', BENCH_DPOP_JWKS: JSON.stringify({ keys: [signingJwk] }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const next = () => new Promise<DPoPServerMessage>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench: ${adapter} server exited with ${code}`))
    child.once('message', (message) => {
      child.off('exit', onExit)
      resolve(message as DPoPServerMessage)
    })
    child.once('exit', onExit)
  })
  const { port } = await next()
  return {
    url: `http://127.0.0.1:${port}`,
    async usage() {
      const answer = next()
      child.send('usage')
      return answer
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.disconnect()
      await exited
    },
  }
}

interface Run {
  requests: number
  seconds: number
  non2xx: number
  cpuMicros: number
}

function load(url: string, headers: () => Record<string, string>, duration: number): Promise<Omit<Run, 'cpuMicros'>> {
  const request: autocannon.Request = { method: 'GET', path: '/data', setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, ...headers() } }) }
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: settings.connections, duration, pipelining: 1, requests: [request] }, (error, result) => {
      if (error) return reject(error)
      resolve({ requests: result.requests.total, seconds: result.duration, non2xx: result.non2xx })
    })
  })
}

async function measured(server: Server, headers: () => Record<string, string>, duration: number): Promise<Run> {
  const before = (await server.usage()).cpuMicros ?? 0
  const run = await load(server.url, headers, duration)
  return { ...run, cpuMicros: ((await server.usage()).cpuMicros ?? 0) - before }
}

function total(runs: Run[]) {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0)
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0)
  return { rps: requests / seconds, cpuPerRequest: runs.reduce((sum, run) => sum + run.cpuMicros, 0) / requests, non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0), requests }
}

const rows: string[][] = []
const storeRows: string[][] = []
for (const adapter of ADAPTERS) {
  const started = performance.now()
  const proofs = await makeProofs(PROOFS)
  console.log(`${adapter}: made ${proofs.length} proofs in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  let cursor = 0
  const bearer = () => ({ authorization: `Bearer ${bearerToken}` })
  const dpop = () => ({ authorization: `DPoP ${dpopToken}`, dpop: proofs[cursor++ % proofs.length]! })
  const server = await startServer(adapter)
  try {
    await load(server.url, bearer, settings.warmup)
    await load(server.url, dpop, settings.warmup)
    const before = await server.usage()
    const bearerRuns: Run[] = []
    const dpopRuns: Run[] = []
    for (let round = 0; round < settings.rounds; round++) {
      bearerRuns.push(await measured(server, bearer, settings.duration))
      dpopRuns.push(await measured(server, dpop, settings.duration))
    }
    const after = await server.usage()
    const b = total(bearerRuns)
    const d = total(dpopRuns)
    if (cursor > proofs.length) console.log(`WARNING: ${adapter} used ${cursor} proofs of ${proofs.length}: some were replays (raise BENCH_DPOP_PROOFS)`)
    rows.push([adapter, fmt(b.rps), fmt(d.rps), `${ratio(d.rps / b.rps)}`, fmt(b.cpuPerRequest, 1), fmt(d.cpuPerRequest, 1), `${fmt(b.non2xx)}/${fmt(d.non2xx)}`])
    const entries = (after.remembered ?? 0) - (before.remembered ?? 0)
    const heap = ((after.memory?.heapUsed ?? 0) - (before.memory?.heapUsed ?? 0)) / 2 ** 20
    const rss = ((after.memory?.rss ?? 0) - (before.memory?.rss ?? 0)) / 2 ** 20
    storeRows.push([adapter, fmt(after.remembered), fmt(entries), fmt(heap, 1), fmt(rss, 1), entries > 0 ? fmt((heap * 2 ** 20) / entries, 0) : '—'])
    console.log(`${adapter}: bearer ${fmt(b.rps)} req/s, DPoP ${fmt(d.rps)} req/s (${ratio(d.rps / b.rps)}); ${fmt(after.remembered)} proofs remembered`)
  } finally {
    await server.stop()
  }
}

let kept: unknown
const THUMBPRINT = await calculateJwkThumbprint(clientJwk)

/** The default store (100000 entries) flooded with fresh proofs: it fills, then refuses; it never forgets a live one. */
function floodDefaultStore(): string[][] {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const before = process.memoryUsage().heapUsed
  const store = memoryReplayStore()
  let accepted = 0
  let refused = 0
  const started = performance.now()
  for (let i = 0; i < 500_000; i++) {
    try {
      // A flat string, as the server's key is (the jti comes from JSON.parse); a randomUUID() string is not.
      if (store.remember(Buffer.from(`dpop:${THUMBPRINT}:${randomUUID()}`).toString('latin1'), 60_000) === true) accepted++
    } catch (error) {
      if (!(error instanceof ReplayStoreUnavailableError)) throw error
      refused++
    }
  }
  const micros = ((performance.now() - started) * 1000) / 500_000
  gc?.()
  const heap = (process.memoryUsage().heapUsed - before) / 2 ** 20
  kept = store // referenced past the measurement, so the collector cannot have freed it before
  return [['500000 fresh proofs, 60 s window', fmt(accepted), fmt(refused), fmt(heap, 1), fmt(micros, 2)]]
}

const header = ['adapter', 'bearer req/s', 'DPoP req/s', 'DPoP / bearer', 'bearer CPU µs/req', 'DPoP CPU µs/req', 'non-2xx (bearer/DPoP)']
const storeHeader = ['adapter', 'proofs remembered (total)', 'during the rounds', 'heapUsed growth MB', 'RSS growth MB', 'bytes/entry (heap)']
const floodHeader = ['default memoryReplayStore()', 'remembered', 'refused (503)', 'heapUsed growth MB', 'µs per remember']
const flood = floodDefaultStore()
void kept
console.log(`\n${textTable(header, rows)}\n\n${textTable(storeHeader, storeRows)}\n\n${textTable(floodHeader, flood)}\n`)
console.log(`markdown:\n\n${markdownTable(header, rows)}\n\n${markdownTable(storeHeader, storeRows)}\n\n${markdownTable(floodHeader, flood)}\n`)
