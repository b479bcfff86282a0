/** Regressions found in review, each named after the defect. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken, TEST_SECRET } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'
import { authenticate } from '../support/decide.js'

const base = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret: TEST_SECRET }

test('the verifier-level claims option is checked on cache hits too (a revocation predicate takes effect at once)', async () => {
  const revoked = new Set<string>()
  const verifier = createVerifier({ ...base, claims: { jti: (jti) => !revoked.has(jti as string) } })
  const token = await signToken(TEST_SECRET, { jti: 'jti-1' })
  await verifier.verify(token) // verified and cached
  revoked.add('jti-1')
  await expectRefusal(verifier.verify(token), 'claim_invalid', 401)
  await expectRefusal(authenticate(verifier, { headers: { authorization: `Bearer ${token}` } }), 'claim_invalid', 401)
})

test('verify() refuses a misspelt requirement instead of ignoring it', async () => {
  const verifier = createVerifier(base)
  const token = await signToken(TEST_SECRET)
  await assert.rejects(verifier.verify(token, { scope: ['admin'] } as never), TypeError)
  await assert.rejects(verifier.verify(token, { scopes: 'admin' } as never), TypeError)
  await expectRefusal(verifier.verify(token, { scopes: ['admin'] }), 'insufficient_scope', 403)
})

test('cacheMaxAge beyond 24 hours is refused at startup (a snapshot could not be read back)', () => {
  assert.throws(() => createVerifier({ issuer: 'https://issuer.example', audience: TEST_AUDIENCE, cacheMaxAge: 2 * 86_400_000 }), TypeError)
})

test('a non-string realm is refused at startup, not with a 500 at the first refusal', () => {
  assert.throws(() => createVerifier({ ...base, realm: 42 as unknown as string }), TypeError)
  assert.throws(() => createVerifier({ ...base, resourceMetadata: {} as unknown as string }), TypeError)
})
