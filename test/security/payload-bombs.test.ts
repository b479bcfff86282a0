/**
 * JSON bombs in unsigned tokens: every claim and header member the pipeline reads before (or instead of)
 * the signature check, nested tens of thousands deep, and tokens with tens of thousands of claims. The
 * review of 2026-12-01 found `aud: [[[…]]]` crashing the refusal's facts (`String()` of a nested array
 * recursed until the stack overflowed: a RangeError, so a 500 over HTTP, from a token nobody signed).
 * Each must end in a 401, through core and every adapter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createVerifier, TokenGuardError, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { CompactSign } from 'jose'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { b64url } from './forge.js'

const TIME_LIMIT_MS = 10_000
const nestedArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
const PAYLOAD_MEMBERS = ['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'client_id', 'scope', 'scp', 'jti', 'cnf', 'permissions', 'roles']
const HEADER_MEMBERS = ['kid', 'alg', 'typ', 'crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64', 'cty']

/** A JSON object text with `members` given as raw JSON texts (nesting beyond what JSON.stringify can write). */
const objectText = (members: Record<string, string>) => `{${Object.entries(members).map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',')}}`

function claimsOf(issuer: KeyServer): Record<string, string> {
  const now = Math.floor(Date.now() / 1000)
  return { iss: JSON.stringify(issuer.issuer), aud: JSON.stringify(TEST_AUDIENCE), sub: '"s"', client_id: '"c"', jti: '"j"', scope: '"read:data"', iat: String(now), exp: String(now + 300) }
}

/** A token nobody signed: the header and payload as given, a signature of the right length for RS256. */
function unsigned(issuer: KeyServer, header: Record<string, string>, payload: Record<string, string>): string {
  const key = issuer.published[0]!
  return `${b64url(objectText({ alg: JSON.stringify(key.alg), kid: JSON.stringify(key.kid), ...header }))}.${b64url(objectText(payload))}.${'A'.repeat(342)}`
}

async function refusalOf(verifier: Verifier, token: string): Promise<TokenGuardError> {
  const error = await verifier.verify(token).then(() => undefined, (caught: unknown) => caught)
  assert.ok(error instanceof TokenGuardError, `expected a refusal, got ${error === undefined ? 'an acceptance' : String(error)}`)
  return error
}

describe('JSON bombs: core verify(), maxTokenLength 1 MiB', () => {
  let issuer: KeyServer
  let single: Verifier
  let listed: Verifier
  before(async () => {
    issuer = await startKeyServer()
    const common = { audience: TEST_AUDIENCE, maxTokenLength: 1_048_576 }
    single = createVerifier({ ...common, issuer: issuer.issuer, allowInsecureHttp: true, requiredClaims: ['sub'], profile: 'rfc9068' })
    listed = createVerifier({ ...common, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }, { issuer: 'https://other.tokenguard.test', jwks: { keys: [] } }] })
  })
  after(() => issuer.close())

  for (const [shape, nested] of [['array', nestedArray], ['object', nestedObject]] as const) {
    test(`each payload member nested 50 000 deep (${shape}): 401, one and several issuers`, async () => {
      for (const member of PAYLOAD_MEMBERS) {
        const token = unsigned(issuer, {}, { ...claimsOf(issuer), [member]: nested(50_000) })
        for (const verifier of [single, listed]) assert.equal((await refusalOf(verifier, token)).status, 401, member)
      }
    })

    test(`each header member nested 50 000 deep (${shape}): 401`, async () => {
      for (const member of HEADER_MEMBERS) {
        const token = unsigned(issuer, { [member]: nested(50_000) }, claimsOf(issuer))
        for (const verifier of [single, listed]) assert.equal((await refusalOf(verifier, token)).status, 401, member)
      }
    })
  }

  test('a nested aud member in a token the issuer did sign: 401 audience_mismatch with the member shown by type', async () => {
    const key = issuer.published[0]!
    const payload = objectText({ ...claimsOf(issuer), aud: `["https://other.tokenguard.test",${nestedArray(50_000)},7,null,{"x":1}]` })
    const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey)
    const error = await refusalOf(single, token)
    assert.equal(error.reason, 'audience_mismatch')
    assert.deepEqual(error.facts?.aud, ['https://other.tokenguard.test', '(array)', '7', '(null)', '(object)'])
  })

  test('40 000 claims, unsigned: signature_invalid; signed by the issuer: accepted, and the cache still answers', async () => {
    const many = Object.fromEntries(Array.from({ length: 40_000 }, (_, index) => [`c${index}`, String(index)]))
    assert.equal((await refusalOf(single, unsigned(issuer, {}, { ...claimsOf(issuer), ...many }))).reason, 'signature_invalid')
    const key = issuer.published[0]!
    const payload = objectText({ ...claimsOf(issuer), ...many })
    const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey)
    for (let round = 0; round < 2; round++) assert.equal((await single.verify(token)).claims.c39999, 39999)
  })
})

for (const adapter of ADAPTERS) {
  describe(`JSON bombs over ${adapter.name}`, () => {
    let issuer: KeyServer
    let app: RunningApp
    before(async () => {
      issuer = await startKeyServer()
      // A token near Node's 16 kB header limit; nesting 5000 deep used to overflow the stack in the facts.
      const options: VerifierOptions = { issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, maxTokenLength: 16_000 }
      app = await adapter.start(options)
    })
    after(async () => {
      await app.close()
      await issuer.close()
    })

    test('aud, iss and kid nested 5000 deep: 401 invalid_token, never a 500', async () => {
      const tokens = [
        unsigned(issuer, {}, { ...claimsOf(issuer), aud: nestedArray(5000) }),
        unsigned(issuer, {}, { ...claimsOf(issuer), iss: nestedArray(5000) }),
        unsigned(issuer, { kid: nestedArray(5000) }, claimsOf(issuer)),
      ]
      for (const token of tokens) {
        const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })
        const body = await response.text()
        assert.equal(response.status, 401, body.slice(0, 200))
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/)
      }
    })
  })
}
