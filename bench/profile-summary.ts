/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `BENCH_CPU_PROF=1 npm run bench:load`): self time by
 * function and by origin (tokenguard package, npm package, Node internals), to find where a request's time
 * goes, and the inclusive time of named functions (e.g. an adapter's hook) per sampled millisecond.
 * Usage: `node build/bench/profile-summary.js <file.cpuprofile> [top] [functionName,…]`.
 */
import { readFile } from 'node:fs/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function origin(url: string): string {
  if (url === '') return '(native / VM)'
  if (url.startsWith('node:')) return 'node internals'
  const tokenguard = /packages\/([^/]+)\/dist\//.exec(url)
  if (tokenguard !== null) return `@tokenguard/${tokenguard[1]}`
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (npm !== null) return npm[1]!
  return url.replace(/^file:\/\/.*\/build\//, 'build/')
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(packages|node_modules|build)\//, '$1/')
}

const [file, topArg, inclusiveArg] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: node build/bench/profile-summary.js <file.cpuprofile> [top]')
  process.exit(2)
}
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const selfTime = new Map<number, number>()
profile.samples.forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)))
const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0)
const byFunction = new Map<string, number>()
const byOrigin = new Map<string, number>()
for (const [id, micros] of selfTime) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame
  const key = `${functionName || '(anonymous)'}  ${shortUrl(url)}${url === '' ? '' : `:${lineNumber + 1}`}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
  byOrigin.set(origin(url), (byOrigin.get(origin(url)) ?? 0) + micros)
}
const percent = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)} %`
console.log(`total sampled ${(total / 1e6).toFixed(2)} s\n\nself time by origin:`)
for (const [name, micros] of [...byOrigin].sort((a, b) => b[1] - a[1])) console.log(`${percent(micros)}  ${name}`)
console.log('\nself time by function:')
for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) console.log(`${percent(micros)}  ${name}`)

/** Inclusive time: self time of the nodes under each named function (nested calls counted once per name). */
function inclusive(names: readonly string[]): Map<string, number> {
  const result = new Map<string, number>(names.map((name) => [name, 0]))
  const walk = (id: number, active: ReadonlySet<string>): void => {
    const node = byId.get(id)!
    const name = node.callFrame.functionName
    const inside = names.includes(name) && !active.has(name) ? new Set([...active, name]) : active
    for (const owner of inside) result.set(owner, result.get(owner)! + (selfTime.get(id) ?? 0))
    for (const child of node.children ?? []) walk(child, inside)
  }
  walk(profile.nodes[0]!.id, new Set())
  return result
}

if (inclusiveArg !== undefined) {
  const busy = total - [...selfTime].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((sum, [, micros]) => sum + micros, 0)
  console.log(`\ninclusive time (busy time ${(busy / 1e6).toFixed(2)} s):`)
  for (const [name, micros] of inclusive(inclusiveArg.split(','))) console.log(`${percent(micros)} of all, ${((micros / busy) * 100).toFixed(1)} % of busy  ${name}`)
}
