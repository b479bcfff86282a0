/**
 * Bytes allocated per request on the hit path (`npm run bench:allocations`, issue 18): `verifier.decide()`
 * for a cached token with a route requirement, as the adapters call it — with the same view object each
 * time (what decide() itself allocates), with a new view each time (the view is the request's own
 * context; the difference is its size), and with the view the Node adapters build (`SocketRequestView`). Counted as V8 heap growth over many hits with the collector kept
 * out of the way (a young generation larger than the whole loop; a measurement during which a GC ran is
 * discarded), after a warm-up long enough for the optimizing compiler to be done, so that the figure is the
 * loop's, not the compiler's. `npm run bench:allocation-sites` says where the bytes go. Needs `--expose-gc`.
 */
import { createVerifier, type RequestView } from '@tokenguard/core'
import { nodeRequestReader, SocketRequestView } from '@tokenguard/core/adapter'
import { PerformanceObserver } from 'node:perf_hooks'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'
import type { AllocationsResult } from './support/hit-results.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'

const HITS = 20_000
const WARM_UP = 200_000
const MEASUREMENTS = 5
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  console.error('bench: run with node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 (npm run bench:allocations does)')
  process.exit(2)
}

let collections = 0
new PerformanceObserver((list) => void (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] })

const verifier = createVerifier({ issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'] })
const route = verifier.requirement({ scopes: ['read:data'] })
const token = mintHs256(1, Math.floor(Date.now() / 1000))
const headers = { authorization: `Bearer ${token}`, host: 'api.example.com' }
const fixedView: RequestView = { method: 'GET', url: '/data', headers, encrypted: false, remoteAddress: '127.0.0.1', route: '/data' }
const freshView = (): RequestView => ({ method: 'GET', url: '/data', headers, encrypted: false, remoteAddress: '127.0.0.1', route: '/data' })
// What the Node adapters build: a SocketRequestView of the request, through core's reader, whose raw header list it reads.
const request = { method: 'GET', url: '/data', headers, rawHeaders: ['Host', headers.host, 'Authorization', headers.authorization, 'Accept', '*/*'], socket: { remoteAddress: '127.0.0.1', encrypted: false } }
const socketView = (): RequestView => new SocketRequestView(request, nodeRequestReader, '/data')

// Stored on its second verification: two full checks, then hits.
for (let warm = 0; warm < 3; warm++) await verifier.decide(fixedView, route)
if (verifier.decide(fixedView, route) instanceof Promise) throw new Error('bench: the token is not a cache hit')

let notAccepted = 0
function hits(view: () => RequestView, count: number): void {
  for (let index = 0; index < count; index++) {
    const decision = verifier.decide(view(), route)
    if (decision instanceof Promise || decision.outcome !== 'accepted') notAccepted += 1 // used, as an adapter would
  }
}

async function bytesPerHit(view: () => RequestView): Promise<number> {
  hits(view, WARM_UP)
  const measured: number[] = []
  for (let attempt = 0; attempt < 4 * MEASUREMENTS && measured.length < MEASUREMENTS; attempt++) {
    gc!()
    await new Promise((resolve) => setTimeout(resolve, 20)) // the observer reports that collection first
    const before = collections
    const start = process.memoryUsage().heapUsed
    hits(view, HITS)
    const grown = process.memoryUsage().heapUsed - start
    await new Promise((resolve) => setTimeout(resolve, 20)) // let the observer report a GC inside the loop
    if (collections === before) measured.push(grown / HITS)
  }
  if (measured.length < MEASUREMENTS) throw new Error('bench: a GC ran during most measurements; raise --min-semi-space-size')
  return measured.sort((a, b) => a - b)[0]!
}

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`hit-path allocations on ${describeMachine(machine)}; ${HITS} hits per measurement, least of ${MEASUREMENTS}`)
const same = await bytesPerHit(() => fixedView)
const fresh = await bytesPerHit(freshView)
const node = await bytesPerHit(socketView)
if (notAccepted > 0) throw new Error(`bench: ${notAccepted} requests were not accepted synchronously`)
console.log(`decide() on a cached token, same view object:  ${same.toFixed(0)} bytes per request`)
console.log(`decide() on a cached token, a new view each:   ${fresh.toFixed(0)} bytes per request (the view is the request's own context)`)
console.log(`decide() on a cached token, a new SocketRequestView each (Node adapters, raw headers read): ${node.toFixed(0)} bytes per request`)
const result: AllocationsResult = { kind: 'allocations', startedAt, machine, bytesPerHitSameView: same, bytesPerHitFreshView: fresh, bytesPerHitSocketView: node }
console.log(`saved ${await saveResult('allocations', result)}`)
