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
    // The Node signature engine is Node's alone (core's imports map): Bun and Deno also answer to `node`.
    test(`${runtime.name} verifies signatures with jose, not the Node engine`, async () => {
      const app = await runtime.start({ kind: 'fetch', options: { issuer: 'https://issuer.example', audience: 'api', secret: 'a-shared-secret-of-at-least-32-bytes!!', algorithms: ['HS256'] } })
      try {
        assert.equal(await app.engine(), 'jose')
      } finally {
        await app.close()
      }
    })
  } else if (process.env.CI === 'true') {
    test(`${runtime.name} runs here (required under CI)`, () => assert.fail(missing))
  } else {
    test(`contract on ${runtime.name}`, { skip: `${runtime.name} unavailable: ${missing}` }, () => undefined)
  }
}
