/** The plugin's own options are checked at registration, and never handed to the verifier. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import tokenguard, { type TokenguardPluginOptions } from '@tokenguard/fastify'
import Fastify from 'fastify'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, TEST_SECRET } from '../support/local-tokens.js'

const base = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret: TEST_SECRET }

for (const [name, bad] of [
  ['an unknown warmup mode', { warmup: 'eager' }],
  ['a non-boolean requireByDefault', { requireByDefault: 'yes' }],
] as const) {
  test(`${name} fails registration`, async () => {
    const app = Fastify()
    await assert.rejects(async () => {
      await app.register(tokenguard, { ...base, ...(bad as object) } as TokenguardPluginOptions)
    }, TypeError)
    await app.close()
  })
}
