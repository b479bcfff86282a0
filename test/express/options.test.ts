/** How `authenticate()` splits its options, and what it does with errors that are not refusals. */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { authenticate, type TokenGuardError } from '@tokenguard/express'
import express from 'express'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken, TEST_SECRET } from '../support/local-tokens.js'

async function serve(app: express.Express): Promise<{ url: string; close: () => void }> {
  app.set('env', 'test')
  const server = app.listen(0, '127.0.0.1') as Server
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

const base = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret: TEST_SECRET }

test('claims given to authenticate() are a route requirement, the same with options or with a verifier', async () => {
  const reasons: string[] = []
  const onError = (error: TokenGuardError) => void reasons.push(error.reason)
  const app = express()
  app.get('/options', authenticate({ ...base, claims: { client_id: 'other' }, onError }), (_req, res) => void res.end('ok'))
  app.get('/verifier', authenticate({ verifier: createVerifier(base), claims: { client_id: 'other' }, onError }), (_req, res) => void res.end('ok'))
  const { url, close } = await serve(app)
  const headers = { authorization: `Bearer ${await signToken(TEST_SECRET)}` }
  assert.equal((await fetch(`${url}/options`, { headers })).status, 401)
  assert.equal((await fetch(`${url}/verifier`, { headers })).status, 401)
  close()
  assert.deepEqual(reasons, ['claim_requirement_failed', 'claim_requirement_failed'])
})

test('an error that is not a refusal is a bug: it reaches Express as it is (500), not disguised as a 401', async () => {
  const verifier = createVerifier(base)
  const broken = {
    ...verifier,
    decide: () => {
      throw new RangeError('a bug')
    },
  }
  const app = express()
  let seen: unknown
  app.get('/', authenticate({ verifier: broken }), (_req, res) => void res.end('ok'))
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    seen = error
    res.status(500).end()
  })
  const { url, close } = await serve(app)
  const response = await fetch(url, { headers: { authorization: 'Bearer abc' } })
  close()
  assert.equal(response.status, 500)
  assert.ok(seen instanceof RangeError)
  assert.equal(response.headers.get('www-authenticate'), null)
})

test('a non-function onError is refused at startup', () => {
  assert.throws(() => authenticate({ ...base, onError: 'log' as never }), TypeError)
})
