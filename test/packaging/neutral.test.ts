/**
 * Core stays runtime-neutral, and so do the Fetch API adapters: each entry point bundles with esbuild for
 * the `neutral` platform (no Node built-in resolvable). With a Worker bundler's conditions nothing at all is
 * left external; with none, the only thing left is lru-cache's own guarded `import('node:diagnostics_channel')`
 * (it catches the failure where there is no such module) — never an import from tokenguard's code. A
 * control bundle that does import a Node built-in must fail, so the check cannot pass by accident.
 */
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { build, type BuildResult, type Metafile } from 'esbuild'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ENTRY_POINTS = ['@tokenguard/core', '@tokenguard/core/adapter', '@tokenguard/core/errors', '@tokenguard/core/presets', '@tokenguard/fetch', '@tokenguard/hono']

const WORKER_CONDITIONS = ['workerd', 'worker', 'browser']

function bundle(source: string, conditions: string[] = []): Promise<BuildResult & { metafile: Metafile }> {
  return build({
    conditions,
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
}

for (const entry of ENTRY_POINTS) {
  test(`${entry} bundles for a neutral platform with no Node built-in`, async () => {
    const forWorkers = await bundle(`export * from '${entry}'`, WORKER_CONDITIONS)
    assert.deepEqual(externals(forWorkers.metafile), [], 'nothing left for the runtime to resolve')
    assert.ok(Object.keys(forWorkers.metafile.inputs).some((path) => path.includes('packages/core/dist/')), 'core itself was bundled')

    const plain = await bundle(`export * from '${entry}'`)
    for (const imported of externals(plain.metafile)) {
      assert.deepEqual(imported, { from: imported.from, path: 'node:diagnostics_channel', kind: 'dynamic-import' }, 'only a guarded dynamic import is left')
      assert.match(imported.from, /node_modules\/lru-cache\//, 'and only in lru-cache')
    }
  })
}

function externals(metafile: Metafile): Array<{ from: string; path: string; kind: string }> {
  return Object.entries(metafile.inputs).flatMap(([from, input]) => input.imports.filter((imported) => imported.external).map(({ path, kind }) => ({ from, path, kind })))
}

test('control: a module that imports a Node built-in does not bundle for a neutral platform', async () => {
  await assert.rejects(bundle(`export { createHash } from 'node:crypto'`), /Could not resolve "node:crypto"/)
})
