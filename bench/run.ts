/**
 * The whole benchmark suite (`npm run bench`): the load benchmark (issue 18's table), the hit- and
 * miss-path benchmarks (Express overhead, cache miss cost, allocations per hit), the micro-benchmark and the
 * memory run with the default cache (`BENCH_MEMORY_BASELINE=1` adds the same run with the cache off), each
 * in its own process one after the other, then one markdown report of the results of this run (stdout and
 * `.bench-results/report.md`) with every target met or not. Exits 1 if a part failed; a missed goal is
 * listed, not a failure (the numbers are the output). `BENCH_QUICK=1` for a smoke run.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { allTargets, suiteMarkdown, type SuiteResults } from './report.js'
import { quick } from './support/settings.js'
import { missedTargets } from './targets.js'
import { loadResult, saveText, type ResultKind } from './support/results.js'

const PARTS: ReadonlyArray<{ kind: ResultKind; script: string; nodeArgs: string[]; env?: Record<string, string> }> = [
  { kind: 'load', script: 'load.js', nodeArgs: [] },
  { kind: 'express-overhead', script: 'express-overhead.js', nodeArgs: [] },
  { kind: 'cache-miss', script: 'cache-miss.js', nodeArgs: [] },
  { kind: 'allocations', script: 'hit-allocations.js', nodeArgs: ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'] },
  { kind: 'micro', script: 'micro.js', nodeArgs: [] },
  { kind: 'memory', script: 'memory.js', nodeArgs: ['--expose-gc'] },
  // The same tokens with the cache off, for "RSS at the end above the same run without a cache": 3 more minutes, so opt-in.
  ...(process.env.BENCH_MEMORY_BASELINE === '1' ? [{ kind: 'memory-baseline' as const, script: 'memory.js', nodeArgs: ['--expose-gc'], env: { BENCH_MEMORY_CACHE: 'off' } }] : []),
]

function runPart(script: string, nodeArgs: string[], env: Record<string, string> = {}): Promise<number> {
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL(script, import.meta.url))], { stdio: 'inherit', env: { ...process.env, ...env } })
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)))
}

const suiteStarted = new Date().toISOString()
const started = performance.now()
const failed: string[] = []
const results: SuiteResults = {}
for (const { kind, script, nodeArgs, env } of PARTS) {
  console.log(`\n=== ${kind} ===\n`)
  const code = await runPart(script, nodeArgs, env)
  const result = await loadResult<{ startedAt: string }>(kind)
  if (code !== 0 || result === undefined || result.startedAt < suiteStarted) {
    failed.push(`${kind} (exit code ${code})`)
    continue
  }
  Object.assign(results, { [kind]: result })
}

const report = suiteMarkdown(results)
const path = await saveText('report.md', report)
const missed = missedTargets(allTargets(results))
console.log(`\n=== report (${((performance.now() - started) / 60_000).toFixed(1)} min${quick ? ', BENCH_QUICK=1: a smoke run, not a measurement' : ''}) ===\n\n${report}`)
console.log(`saved ${path}`)
if (missed.length > 0) console.log(`targets not met: ${missed.map((target) => target.name).join('; ')}`)
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`)
  process.exitCode = 1
}
