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

test('an OPTIONS-only route (a CORS preflight) is public by default; one with config.auth is not', async () => {
  const app = Fastify()
  await app.register(tokenguard, { ...base, warmup: 'off' })
  app.options('/preflight', async (_request, reply) => reply.code(204).send())
  app.options('/guarded', { config: { auth: {} } }, async (_request, reply) => reply.code(204).send())
  app.get('/data', async () => 'data')
  assert.equal((await app.inject({ method: 'OPTIONS', url: '/preflight' })).statusCode, 204)
  assert.equal((await app.inject({ method: 'OPTIONS', url: '/guarded' })).statusCode, 401)
  assert.equal((await app.inject({ method: 'GET', url: '/data' })).statusCode, 401)
  await app.close()
})
