/**
 * The suite's markdown report, from the latest results: the machine, the load table, the micro table, the
 * memory table and the targets. It is what docs/performance.md (the README's "Performance" section) shows.
 */
import { ratioMarkdownTable } from './load/ratios.js'
import { loadMarkdownTable, type LoadResult } from './load/report.js'
import { VARIANTS } from './load/variants.js'
import { memoryMarkdownTable, type MemoryResult } from './memory/report.js'
import { microMarkdownTable, type MicroResult } from './micro/report.js'
import { describeMachine } from './support/machine.js'
import { fmt } from './support/table.js'
import { loadTargets, memoryTargets, microTargets, targetsMarkdown, type Target } from './targets.js'

export interface SuiteResults {
  load?: LoadResult | undefined
  micro?: MicroResult | undefined
  memory?: MemoryResult | undefined
  'memory-baseline'?: MemoryResult | undefined
}

export function allTargets({ load, micro, memory, 'memory-baseline': baseline }: SuiteResults): Target[] {
  return [...(load ? loadTargets(load) : []), ...(micro ? microTargets(micro) : []), ...(memory ? memoryTargets(memory, baseline) : [])]
}

function loadSection(load: LoadResult): string {
  const { duration, rounds, warmup, connections } = load.settings
  const peers = VARIANTS.filter((variant) => variant.kind === 'peer').map((variant) => variant.label.replace(/^(Express|Fastify) 5 \+ /, '')).join(', ')
  return [
    '### Load: req/s through a real HTTP server',
    '',
    `Each server runs in its own process on 127.0.0.1 and requires a valid RS256 token (keys fetched over HTTP from a local issuer) with scope \`read:data\`; peers: ${peers}. autocannon, ${connections} connections, no pipelining; per variant and workload ${warmup} s warm-up, then ${rounds} rounds of ${duration} s interleaved across all variants.`,
    '',
    ...load.workloads.map((workload) => `- **${workload.name}**: ${workload.description}`),
    '',
    'tokenguard against the bare framework, the main peer of each framework and the floor (the framework plus a raw `node:crypto` signature check and `aud`/scope compared, `bench/load/signature-floor.ts`): the median of the per-round req/s ratios; in brackets the ratio of server CPU per request and tokenguard\'s server CPU µs per request above the other.',
    '',
    ratioMarkdownTable(load),
    '',
    '"server CPU µs/req" is the server process\'s own CPU time (all threads) per request: less sensitive to other load on the machine than req/s. "server CPU" below 100 % means the load generator, not the server, was the limit.',
    '',
    loadMarkdownTable(load),
  ].join('\n')
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
    results.micro ? microSection(results.micro) : '',
    results.memory ? memorySection(results.memory, results['memory-baseline']) : '',
    `### Targets\n\n${targetsMarkdown(allTargets(results))}`,
  ]
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`
}
