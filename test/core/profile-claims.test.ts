/**
 * Issue 11 case 11: `profile: 'rfc9068'` checks the type of every claim it requires (RFC 9068 §2.2): `sub`,
 * `client_id` and `jti` strings, `iat` a number, `aud` a string or an array of strings, `scope` a string
 * when present. A wrong type is 401 `invalid_token`, reason `claim_invalid`, the detail naming the claim and
 * the type. The lenient profile leaves the types alone (providers differ), as before.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let key: SigningKey
let strict: ReturnType<typeof createVerifier>
let lenient: ReturnType<typeof createVerifier>

before(async () => {
  key = await generateSigningKey('ES256')
  strict = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, profile: 'rfc9068', tokenCache: false })
  lenient = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, tokenCache: false })
})

describe("issue 11 case 11: profile 'rfc9068' checks claim types", () => {
  // Details are sanitised for logs and headers (no quotes), hence the claim names without them.
  const WRONG: ReadonlyArray<[claims: Record<string, unknown>, detail: RegExp]> = [
    [{ sub: 1 }, /^claim sub must be a string \(RFC 9068 section 2\.2\), got a number$/],
    [{ client_id: ['bar'] }, /^claim client_id must be a string \(RFC 9068 section 2\.2\), got an array of strings$/],
    [{ jti: true }, /^claim jti must be a string \(RFC 9068 section 2\.2\), got a boolean$/],
    [{ sub: null }, /^claim sub must be a string .*, got null$/],
    [{ aud: [TEST_AUDIENCE, 42] }, /^claim aud must be a string or array of strings \(RFC 9068 section 2\.2\), got an array holding a non-string$/],
    [{ scope: ['read:data'] }, /^claim scope must be a string .*, got an array of strings$/],
    [{ scope: 42 }, /^claim scope must be a string .*, got a number$/],
  ]

  for (const [claims, detail] of WRONG) {
    test(`issue 11 case 11: ${JSON.stringify(claims)} is refused as claim_invalid under rfc9068, naming the claim and the type`, async () => {
      const token = await signToken(key, claims)
      const refused = await expectRefusal(strict.verify(token), 'claim_invalid', 401)
      assert.match(refused.detail ?? '', detail)
      assert.equal(refused.code, 'invalid_token')
    })
  }

  test('issue 11 case 11: well-typed RFC 9068 tokens pass; scope may be absent; aud may be an array of strings', async () => {
    await strict.verify(await signToken(key))
    await strict.verify(await signToken(key, { aud: [TEST_AUDIENCE, 'https://other.example'] }))
    await strict.verify(await signToken(key, {}, { omit: ['scope'] }))
    await strict.verify(await signToken(key, { iat: nowSeconds() - 10 }))
  })

  test('issue 11 case 11: the lenient profile is unchanged: it does not check these types', async () => {
    await lenient.verify(await signToken(key, { sub: 1, client_id: ['bar'], jti: true } as Record<string, unknown>))
  })
})
