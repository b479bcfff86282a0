/**
 * The shape of the code base, checked on its sources: no import cycles (type-only imports included), core
 * imports nothing from `node:`, source files stay under ~300 lines, framework adapters stay thin.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const packages = join(root, 'packages')

function sourcesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourcesOf(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

const packageSources = readdirSync(packages).map((name) => ({ name, files: sourcesOf(join(packages, name, 'src')) }))
const allSources = packageSources.flatMap((pkg) => pkg.files)

/** Relative imports of a file (`import … from './x.js'`, `export … from`, type-only too), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!)
  return specifiers.map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
}

test('no import cycles inside any package', () => {
  const graph = new Map(allSources.map((file) => [file, importsOf(file)]))
  const cycles: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(packages, f)).join(' → '))
      return
    }
    state.set(file, 'visiting')
    for (const next of graph.get(file) ?? []) visit(next, [...path, file])
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file, [])
  assert.deepEqual(cycles, [])
})

// The Node signature engine (issue 18): the one core file that imports a Node built-in, reached only through
// the `#jwt-verify` entry of core's `imports` map under the `node` condition.
const NODE_ENGINE = join('core', 'src', 'jwt-verify-node.ts')

test('core is runtime-neutral: no node: imports and no Node globals in its sources but the Node signature engine', () => {
  const core = packageSources.find((pkg) => pkg.name === 'core')!.files
  const offenders = core.filter((file) => /from\s+'node:|require\(|\bNodeJS\.|\bBuffer\.|\bprocess\./.test(readFileSync(file, 'utf8')))
  assert.deepEqual(offenders.map((file) => relative(packages, file)), [NODE_ENGINE])
})

test('the Node signature engine is reached only through the imports map, and only under the node condition', () => {
  const core = packageSources.find((pkg) => pkg.name === 'core')!.files
  // The Node engine falls back to the jose one by its file; nothing else names either.
  const direct = core.filter((file) => /from\s+'\.\/jwt-verify-(node|jose)\.js'/.test(readFileSync(file, 'utf8')))
  assert.deepEqual(direct.map((file) => relative(packages, file)), [NODE_ENGINE], 'core imports the engine as #jwt-verify, never by its file')
  const verifiers = core.filter((file) => /\bjwtVerify\b[^\n]*from 'jose'|import \{[^}]*\bjwtVerify\b[^}]*\} from 'jose'/.test(readFileSync(file, 'utf8')))
  assert.deepEqual(verifiers.map((file) => relative(packages, file)).sort(), [join('core', 'src', 'jwt-verify-jose.ts'), NODE_ENGINE].sort(), 'every JWT verification goes through #jwt-verify')
  const manifest = JSON.parse(readFileSync(join(packages, 'core', 'package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> }
  const conditions = Object.entries(manifest.imports['#jwt-verify']!)
  const jose = './dist/jwt-verify-jose.js'
  assert.deepEqual(conditions[0], ['tokenguard-jose', jose], 'the opt-out comes first')
  const nodeAt = conditions.findIndex(([condition]) => condition === 'node')
  assert.deepEqual(conditions[nodeAt], ['node', './dist/jwt-verify-node.js'])
  assert.deepEqual(conditions.at(-1), ['default', jose])
  for (const runtime of ['bun', 'deno', 'workerd', 'worker', 'browser']) {
    const at = conditions.findIndex(([condition]) => condition === runtime)
    assert.ok(at >= 0 && at < nodeAt && conditions[at]![1] === jose, `${runtime} (which may also match "node") gets jose, before the node entry`)
  }
})

test('core reaches a Node built-in in one place only, feature-detected: diagnostics_channel through getBuiltinModule of the global process', () => {
  const core = packageSources.find((pkg) => pkg.name === 'core')!.files
  const users = core.filter((file) => /getBuiltinModule|\bprocess\b/.test(readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '')))
  assert.deepEqual(users.map((file) => relative(packages, file)), [join('core', 'src', 'observability', 'diagnostics-channel.ts')])
  const text = readFileSync(users[0]!, 'utf8')
  assert.match(text, /runtime\?\.getBuiltinModule\?\.\('node:diagnostics_channel'\)/, 'guarded: absent on runtimes without it')
  assert.match(text, /catch \{/, 'a runtime that refuses the module leaves core without channels, not broken')
})

test('@opentelemetry/api is never imported (not even its types): the application passes its own, and packages run without it', () => {
  // Import statements and dynamic imports only: comments and messages show the application how to pass it.
  const imports = /^\s*(import|export)\b[^'\n]*\bfrom\s+'@opentelemetry\/|^\s*import\s+'@opentelemetry\/|^[^*\n]*\bimport\(\s*'@opentelemetry\//m
  for (const form of ["import * as api from '@opentelemetry/api'", "  import type { Meter } from '@opentelemetry/api'", "const api = await import('@opentelemetry/api')"]) assert.match(form, imports)
  const offenders = allSources.filter((file) => imports.test(readFileSync(file, 'utf8')))
  assert.deepEqual(offenders.map((file) => relative(packages, file)), [])
})

test('source files stay under ~300 lines', () => {
  const long = allSources.map((file) => [relative(packages, file), readFileSync(file, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > 300)
  assert.deepEqual(long, [])
})

test('framework adapters are thin: each src/ is at most ~200 lines of code', () => {
  for (const pkg of packageSources.filter((p) => ['express', 'fastify', 'fetch', 'hono', 'nestjs'].includes(p.name))) {
    const code = pkg.files.flatMap((file) => readFileSync(file, 'utf8').split('\n')).filter((line) => line.trim() !== '' && !/^\s*(\/\/|\/\*\*|\*)/.test(line))
    assert.ok(code.length <= 200, `${pkg.name}/src has ${code.length} lines of code (comments and blank lines not counted)`)
  }
})
