/**
 * The contract table (`contract-table.ts`) over the Fetch API adapters — the fetch handler and Hono — on
 * Bun, Deno and Cloudflare's workerd, each from the binary its npm package ships. A runtime that cannot
 * run here is one skip line naming the install step; under CI (\`CI=true\`) it is a failure instead.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RUNTIMES } from '../support/runtimes.js'
import type { WebAppKind } from '../support/web-apps.js'
import { contractSuite } from './contract-table.js'

const KINDS: readonly WebAppKind[] = ['fetch', 'hono']

for (const runtime of RUNTIMES) {
  const missing = await runtime.unavailable()
  if (missing === undefined) {
    for (const kind of KINDS) contractSuite(`${kind} on ${runtime.name}`, (options) => runtime.start({ kind, options }))
  } else if (process.env.CI === 'true') {
    test(`${runtime.name} runs here (required under CI)`, () => assert.fail(missing))
  } else {
    test(`contract on ${runtime.name}`, { skip: `${runtime.name} unavailable: ${missing}` }, () => undefined)
  }
}
