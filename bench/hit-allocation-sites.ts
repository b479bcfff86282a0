/**
 * Where the hit path allocates (`npm run bench:allocation-sites`, issue 18): V8's sampling heap profiler over
 * many cached-token `decide()` calls, the objects the young-generation collector already took included, and
 * the sampled bytes summed per allocating function (its file and line), divided by the number of requests.
 * A sample stands for `SAMPLING_INTERVAL` bytes on average, so small sites are estimates; `bench:allocations`
 * counts the total exactly. The loop's own view object (the request's context) is allocated in `freshView`.
 */
import { createVerifier, type RequestView } from '@tokenguard/core'
import { Session } from 'node:inspector/promises'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'

const HITS = 400_000
const SAMPLING_INTERVAL = 64

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  selfSize: number
  children: ProfileNode[]
}

const verifier = createVerifier({ issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'] })
const route = verifier.requirement({ scopes: ['read:data'] })
const token = mintHs256(1, Math.floor(Date.now() / 1000))
const headers = { authorization: `Bearer ${token}`, host: 'api.example.com' }
function freshView(): RequestView {
  return { method: 'GET', url: '/data', headers, encrypted: false, remoteAddress: '127.0.0.1', route: '/data' }
}

for (let warm = 0; warm < 3; warm++) await verifier.decide(freshView(), route)
if (verifier.decide(freshView(), route) instanceof Promise) throw new Error('bench: the token is not a cache hit')
let accepted = 0
const run = (count: number) => {
  for (let index = 0; index < count; index++) {
    const decision = verifier.decide(freshView(), route)
    if (!(decision instanceof Promise) && decision.outcome === 'accepted') accepted += 1
  }
}
run(HITS) // optimized before sampling: what is measured is the steady state

const session = new Session()
session.connect()
await session.post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
run(HITS)
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } }
session.disconnect()
if (accepted !== 2 * HITS) throw new Error('bench: not every request was accepted')

const bySite = new Map<string, number>()
const visit = (node: ProfileNode, caller: string) => {
  const { functionName, url, lineNumber } = node.callFrame
  const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/build\//, '')}:${lineNumber + 1}`
  if (node.selfSize > 0) bySite.set(`${site}  ← ${caller}`, (bySite.get(`${site}  ← ${caller}`) ?? 0) + node.selfSize)
  for (const child of node.children) visit(child, functionName || '(anonymous)')
}
visit(profile.head, '')
const sites = [...bySite].sort((a, b) => b[1] - a[1])
const total = sites.reduce((sum, [, bytes]) => sum + bytes, 0)
console.log(`sampled allocations on the hit path, ${HITS} requests, ~${SAMPLING_INTERVAL}-byte sampling: ${(total / HITS).toFixed(0)} bytes per request\n`)
for (const [site, bytes] of sites) {
  if (bytes / HITS < 1) continue
  console.log(`${(bytes / HITS).toFixed(1).padStart(7)} B/request  ${site}`)
}
