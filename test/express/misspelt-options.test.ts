/**
 * Issue 11 case 3, adapters: a misspelt or misplaced option is refused at startup with the likely fix, in
 * both adapters, whether the verifier is created from options or passed in.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authenticate } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import Fastify from 'fastify'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER } from '../support/local-tokens.js'

const base = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [] } }

test('issue 11 case 3: authenticate({ …, scope: [...] }) is refused, suggesting "scopes" (it used to let a read-only token write)', () => {
  assert.throws(() => authenticate({ ...base, scope: ['write:data'] } as never), /unknown option "scope" in authenticate\(\) options \(did you mean "scopes"\?\)/)
  assert.throws(() => authenticate({ ...base, clockTolerence: 5000 } as never), /did you mean "clockTolerance"\?/)
})

test('issue 11 case 3: beside an existing verifier, an unknown key is refused too', () => {
  const { verifier } = authenticate({ ...base, jwks: { keys: [] } })
  assert.throws(() => authenticate({ verifier, scope: ['write:data'] } as never), /did you mean "scopes"\?/)
})

test('issue 11 case 3: Fastify refuses requireByDefualt with the fix, and accepts its own register options', async () => {
  const app = Fastify({ logger: false })
  await assert.rejects(async () => app.register(tokenguard, { ...base, requireByDefualt: false } as never), /did you mean "requireByDefault"\?/)
  await app.close()
  const ok = Fastify({ logger: false })
  await ok.register(tokenguard, { ...base, prefix: '/api' } as never)
  await ok.close()
})
