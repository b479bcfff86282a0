/**
 * The suite's markdown report, from the results of one run: the machine, issue 18's table, the full load
 * table, the hit- and miss-path figures, the micro table, the memory table and the targets. It is what the
 * README's "Performance" section quotes.
 */
import { issueMarkdownTable } from './load/ratios.js'
import { loadMarkdownTable, type LoadResult } from './load/report.js'
import { VARIANTS } from './load/variants.js'
import { memoryMarkdownTable, type MemoryResult } from './memory/report.js'
import { microMarkdownTable, type MicroResult } from './micro/report.js'
import { describeMachine } from './support/machine.js'
import type { AllocationsResult, CacheMissResult, ExpressOverheadResult } from './support/hit-results.js'
import { fmt } from './support/table.js'
import { allocationFigures, cacheMissTargets, expressOverheadTargets, loadTargets, memoryTargets, microTargets, targetsMarkdown, type Target } from './targets.js'

export interface SuiteResults {
  load?: LoadResult | undefined
  'express-overhead'?: ExpressOverheadResult | undefined
  'cache-miss'?: CacheMissResult | undefined
  allocations?: AllocationsResult | undefined
  micro?: MicroResult | undefined
  memory?: MemoryResult | undefined
  'memory-baseline'?: MemoryResult | undefined
}

export function allTargets(results: SuiteResults): Target[] {
  const { load, micro, memory, 'memory-baseline': baseline, 'express-overhead': express, 'cache-miss': cache, allocations } = results
  return [
    ...(load ? loadTargets(load) : []),
    ...(express ? expressOverheadTargets(express) : []),
    ...(cache ? cacheMissTargets(cache) : []),
    ...(allocations ? allocationFigures(allocations) : []),
    ...(micro ? microTargets(micro) : []),
    ...(memory ? memoryTargets(memory, baseline) : []),
  ]
}

function loadSection(load: LoadResult): string {
  const { duration, rounds, warmup, connections, replicas = 1, serverFlags = [] } = load.settings
  const peers = VARIANTS.filter((variant) => variant.kind === 'peer').map((variant) => variant.label.replace(/^(Express|Fastify) 5 \+ /, '')).join(', ')
  return [
    '### Load: req/s through a real HTTP server',
    '',
    `Each server runs in its own process on 127.0.0.1 and requires a valid RS256 token (issuer and JWK Set URL given, no discovery; keys fetched over HTTP from a local key server) with scope \`read:data\`; peers: ${peers}. tokenguard's signature engine: ${load.signatureEngine ?? 'not recorded'} (core's \`SIGNATURE_ENGINE\`). autocannon, ${connections} connections, no pipelining; ${replicas} server process${replicas === 1 ? '' : 'es'} per variant (node ${serverFlags.length === 0 ? 'without flags' : serverFlags.map((flag) => `\`${flag}\``).join(' ')}${serverFlags.includes('--no-memory-reducer') ? ': each server idles ~20 s between its slots, and V8 would shrink its heap after 8 s idle, which a loaded server never is; `BENCH_MEMORY_REDUCER=1` measures with it' : ''}), each warmed up ${warmup} s per workload; then ${rounds} rounds of ${duration} s per variant${replicas === 1 ? '' : ' (split over its processes)'}, every process once per round, in an order that changes every round (\`bench/load/round-order.ts\`).`,
    '',
    ...load.workloads.map((workload) => `- **${workload.name}**: ${workload.description}`),
    '',
    'tokenguard against the bare framework, each peer of its framework, the fastest peer and the floor (the framework plus a raw `node:crypto` RS256 check with a `KeyObject` made once, then `aud` and the scope compared, `bench/load/signature-floor.ts`): the median of the per-round req/s ratios, then in brackets the lowest and highest round, in parentheses the ratio of server CPU per request (> 1: tokenguard costs less) and tokenguard\'s server CPU µs per request above the other. The A/A rows compare tokenguard\'s server with the same server in a second process: a difference smaller than theirs is not resolved by this run.',
    '',
    issueMarkdownTable(load),
    '',
    '"server CPU µs/req" is the server process\'s own CPU time (all threads) per request: less sensitive to other load on the machine than req/s. "server CPU" below 100 % means the load generator, not the server, was the limit.',
    '',
    loadMarkdownTable(load),
  ].join('\n')
}

function hitPathSection({ 'express-overhead': express, 'cache-miss': cache, allocations }: SuiteResults): string {
  const lines = ['### Hit and miss path, without sockets', '']
  if (express) lines.push(`- Express on a cache hit, real requests through an app without sockets (\`bench:express\`): +${fmt(express.overBareMicros.composed, 2)} µs over a bare route for \`authenticate()\` + \`requireScopes()\`, +${fmt(express.overBareMicros.protect, 2)} µs for \`auth.protect()\` (two empty middlewares: +${fmt(express.overBareMicros.noop, 2)} µs).`)
  if (cache) lines.push(`- The token cache on a miss (\`bench:cache\`, one-off tokens against a full cache of 10000): ${fmt(cache.admissionMissMicros, 2)} µs with admission, ${fmt(cache.plainLruMissMicros, 2)} µs for a plain LRU insert + evict; a hit ${fmt(cache.hitMicros, 2)} µs.`)
  if (allocations) lines.push(`- A cached-token \`decide()\` allocates ${fmt(allocations.bytesPerHitFreshView)} bytes with a new request view each time, ${fmt(allocations.bytesPerHitSameView)} bytes with the same one, ${fmt(allocations.bytesPerHitSocketView)} bytes with the view the Node adapters build (\`bench:allocations\`).`)
  return lines.length === 2 ? '' : lines.join('\n')
}

function microSection(micro: MicroResult): string {
  return [
    '### Verification cost per token',
    '',
    `One verification at a time in one process, \`process.hrtime.bigint()\` over calibrated rounds of ~${micro.settings.roundMs} ms, ${micro.settings.rounds} rounds interleaved across the operations of an algorithm, median reported. OpenSSL ${micro.openssl}.`,
    '',
    microMarkdownTable(micro),
  ].join('\n')
}

function memorySection(memory: MemoryResult, baseline: MemoryResult | undefined): string {
  const lines = [
    '### Memory with a million distinct tokens',
    '',
    `${fmt(memory.tokens)} distinct valid HS256 tokens of ${memory.tokenLength} characters through \`verifier.verify\` with the default token cache (max ${fmt(memory.cacheMax)} entries), minted and dropped in batches, 32 verifications in flight; RSS and V8 heap after a forced GC. ${fmt(memory.verifiesPerSecond)} verifications/s over the run.`,
    '',
    memoryMarkdownTable(memory),
  ]
  if (baseline !== undefined) {
    lines.push('', `Baseline: the same ${fmt(baseline.tokens)} tokens with \`tokenCache: false\` (what the process grows by without any cache):`, '', memoryMarkdownTable(baseline))
  }
  return lines.join('\n')
}

export function suiteMarkdown(results: SuiteResults): string {
  const machine = results.load?.machine ?? results.micro?.machine ?? results.memory?.machine
  const sections = [
    machine ? `Measured on ${describeMachine(machine)}.` : '',
    results.load ? loadSection(results.load) : '',
    hitPathSection(results),
    results.micro ? microSection(results.micro) : '',
    results.memory ? memorySection(results.memory, results['memory-baseline']) : '',
    `### Targets\n\n${targetsMarkdown(allTargets(results))}`,
  ]
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`
}
