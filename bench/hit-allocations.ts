/**
 * Bytes allocated per request on the hit path (`npm run bench:allocations`, issue 18): `verifier.decide()`
 * for a cached token with a route requirement, as the adapters call it, and the same with the request view
 * an adapter builds each time. Counted as V8 heap growth over many hits with the collector kept out of the
 * way (a young generation large enough for the whole loop from the start — a forced GC shrinks it back to
 * its minimum, hence `--min-semi-space-size` as well — checked: a run during which a GC happened is
 * refused), so the figure is exact for the loop, not sampled. Needs `--expose-gc`.
 */
import { createVerifier, type RequestView } from '@tokenguard/core'
import { PerformanceObserver } from 'node:perf_hooks'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'
import type { AllocationsResult } from './support/hit-results.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'

const HITS = 20_000
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

// Stored on its second verification: two full checks, then hits.
for (let warm = 0; warm < 3; warm++) await verifier.decide(fixedView, route)
if (verifier.decide(fixedView, route) instanceof Promise) throw new Error('bench: the token is not a cache hit')

async function bytesPerHit(view: () => RequestView): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    for (let index = 0; index < 1000; index++) verifier.decide(view(), route) // warm the code
    gc!()
    await new Promise((resolve) => setTimeout(resolve, 50)) // the observer reports that collection first
    const before = collections
    const start = process.memoryUsage().heapUsed
    for (let index = 0; index < HITS; index++) verifier.decide(view(), route)
    const grown = process.memoryUsage().heapUsed - start
    await new Promise((resolve) => setTimeout(resolve, 50)) // let the observer report a GC inside the loop
    if (collections === before) return grown / HITS
  }
  throw new Error('bench: a GC ran during every attempt; raise --min-semi-space-size and --max-semi-space-size')
}

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`hit-path allocations on ${describeMachine(machine)}, ${HITS} hits per measurement`)
const sameView = await bytesPerHit(() => fixedView)
console.log(`decide() on a cached token, same view object:  ${sameView.toFixed(0)} bytes per request`)
const newView = await bytesPerHit(freshView)
console.log(`decide() on a cached token, a new view each:   ${newView.toFixed(0)} bytes per request (the view is the request's own context)`)
const result: AllocationsResult = { kind: 'allocations', startedAt, machine, bytesPerHitSameView: sameView, bytesPerHitFreshView: newView }
console.log(`saved ${await saveResult('allocations', result)}`)
