/**
 * The contract: one table of RFC 6750 / RFC 9068 cases, run over real HTTP against every adapter on Node
 * (`contract.test.ts`) and against the Fetch API adapters on Bun, Deno and workerd (`runtimes.test.ts`),
 * with a real issuer (discovery + JWKS) on loopback — then the key source's caching, and an outage.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { VerifierOptions } from '@tokenguard/core'
import { assertRefusal } from '../support/challenge.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'

/** An app under contract, wherever it runs. */
export interface ContractApp {
  readonly url: string
  /** The refusals its adapter reported to the operator channel (`onError`), in order. */
  refusals(): Promise<ReadonlyArray<{ reason: string; status: number }>>
  close(): Promise<void>
}

interface Case {
  name: string
  method?: string
  path: string
  /** Builds the request headers/body from the fixtures. */
  request: (f: Fixtures) => Promise<{ headers?: Record<string, string>; body?: string; query?: string }>
  status: number
  /** Expected challenge `error` (null: a challenge without error; undefined: not checked). */
  error?: string | null
  scope?: string
  description?: string
  reason?: string
  body?: (json: Record<string, unknown>) => void
}

interface Fixtures {
  issuer: KeyServer
  good: string
  bearer: (token: string) => Record<string, string>
}

const REALM = 'tokenguard-test'
const GENERIC = 'The access token is invalid'
const now = () => Math.floor(Date.now() / 1000)

const CASES: Case[] = [
  { name: 'public route needs nothing', path: '/public', request: async () => ({}), status: 200 },
  { name: 'no credentials: 401 with a challenge and no error code', path: '/whoami', request: async () => ({}), status: 401, error: null, reason: 'missing_token' },
  { name: 'another scheme counts as no bearer credentials', path: '/whoami', request: async () => ({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }), status: 401, error: null },
  { name: 'Bearer without a token is malformed', path: '/whoami', request: async () => ({ headers: { authorization: 'Bearer' } }), status: 400, error: 'invalid_request', reason: 'malformed_authorization_header' },
  { name: 'Bearer with two tokens is malformed', path: '/whoami', request: async (f) => ({ headers: { authorization: `Bearer ${f.good} extra` } }), status: 400, error: 'invalid_request' },
  { name: 'token with characters outside b64token is malformed', path: '/whoami', request: async () => ({ headers: { authorization: 'Bearer abc"def' } }), status: 400, error: 'invalid_request' },
  { name: 'scheme is case-insensitive (lower)', path: '/whoami', request: async (f) => ({ headers: { authorization: `bearer ${f.good}` } }), status: 200 },
  { name: 'scheme is case-insensitive (upper)', path: '/whoami', request: async (f) => ({ headers: { authorization: `BEARER ${f.good}` } }), status: 200 },
  {
    name: 'valid token with the scope reaches the handler',
    path: '/data',
    request: async (f) => ({ headers: f.bearer(f.good) }),
    status: 200,
    body: (json) => assert.deepEqual(json, { sub: 'client-1', client_id: 'client-1', scopes: ['read:data'] }),
  },
  { name: 'missing scope: 403 insufficient_scope naming it', method: 'POST', path: '/data', request: async (f) => ({ headers: f.bearer(f.good) }), status: 403, error: 'insufficient_scope', scope: 'write:data', reason: 'insufficient_scope' },
  { name: 'any-of scopes: one of them suffices', path: '/any', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ scope: 'admin' })) }), status: 200 },
  { name: 'any-of scopes: none of them is 403', path: '/any', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ scope: 'other' })) }), status: 403, error: 'insufficient_scope', scope: 'read:data admin' },
  { name: 'optional route without a token is anonymous', path: '/maybe', request: async () => ({}), status: 200, body: (json) => assert.deepEqual(json, { anonymous: true }) },
  { name: 'optional route with a bad token is still 401', path: '/maybe', request: async () => ({ headers: { authorization: 'Bearer not.a.jwt' } }), status: 401, error: 'invalid_token' },
  { name: 'optional route with a good token is authenticated', path: '/maybe', request: async (f) => ({ headers: f.bearer(f.good) }), status: 200, body: (json) => assert.equal(json.sub, 'client-1') },
  { name: 'claim guard refuses another client', path: '/client', request: async (f) => ({ headers: f.bearer(f.good) }), status: 401, error: 'invalid_token', reason: 'claim_requirement_failed' },
  { name: 'claim guard accepts the named client', path: '/client', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ client_id: 'read-write-client' })) }), status: 200 },
  { name: 'issue 12 finding 1: a DPoP-bound token (cnf.jkt) sent as Bearer is refused', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ cnf: { jkt: 'h7GYDkLMiBg8e3PsS7l0bfkmVflc4ZG9NIH4fB2ZCz4' } })) }), status: 401, error: 'invalid_token', description: GENERIC, reason: 'token_binding_unverified' },
  { name: 'issue 12 finding 1: a certificate-bound token (cnf x5t#S256) sent as Bearer is refused', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } })) }), status: 401, error: 'invalid_token', description: GENERIC, reason: 'token_binding_unverified' },
  { name: 'tampered signature', path: '/whoami', request: async (f) => ({ headers: f.bearer(tamper(f.good)) }), status: 401, error: 'invalid_token', description: GENERIC, reason: 'signature_invalid' },
  { name: 'not a JWT at all', path: '/whoami', request: async () => ({ headers: { authorization: 'Bearer abc.def' } }), status: 401, error: 'invalid_token', description: GENERIC, reason: 'token_malformed' },
  { name: 'expired token says so', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ exp: now() - 60 })) }), status: 401, error: 'invalid_token', description: 'The access token expired', reason: 'token_expired' },
  { name: 'expired within the 5 s tolerance still passes', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ exp: now() - 2 })) }), status: 200 },
  { name: 'not yet valid (nbf)', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ nbf: now() + 120 })) }), status: 401, error: 'invalid_token', reason: 'token_not_yet_valid' },
  { name: 'token without exp', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { omit: ['exp'] })) }), status: 401, error: 'invalid_token', reason: 'claim_missing' },
  { name: 'wrong audience', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ aud: 'https://other.example' })) }), status: 401, error: 'invalid_token', reason: 'audience_mismatch' },
  { name: 'audience array containing ours', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ aud: ['https://other.example', TEST_AUDIENCE] })) }), status: 200 },
  { name: 'wrong issuer', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ iss: 'https://evil.example' })) }), status: 401, error: 'invalid_token', reason: 'issuer_mismatch' },
  { name: 'issuer as an array (CVE-2025-30144 shape)', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({ iss: [f.issuer.issuer] as unknown as string })) }), status: 401, error: 'invalid_token', reason: 'issuer_mismatch' },
  { name: 'typ JWT is accepted by default', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { header: { typ: 'JWT' } })) }), status: 200 },
  { name: 'untyped token is accepted by default', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { header: { typ: undefined } })) }), status: 200 },
  { name: 'typ application/at+jwt is accepted', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { header: { typ: 'application/at+jwt' } })) }), status: 200 },
  { name: 'a DPoP proof is not an access token', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { header: { typ: 'dpop+jwt' } })) }), status: 401, error: 'invalid_token', reason: 'token_type_not_allowed' },
  { name: 'a logout token is not an access token', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { header: { typ: 'logout+jwt' } })) }), status: 401, error: 'invalid_token', reason: 'token_type_not_allowed' },
  { name: 'query token is ignored when not enabled', path: '/whoami', request: async (f) => ({ query: `access_token=${f.good}` }), status: 401, error: null },
  { name: 'form body token is ignored when not enabled', method: 'POST', path: '/form', request: async (f) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${f.good}` }), status: 401, error: null },
  { name: 'token over the size limit', path: '/whoami', request: async () => ({ headers: { authorization: `Bearer ${'a'.repeat(9000)}` } }), status: 401, error: 'invalid_token', reason: 'token_too_large' },
  { name: 'unknown kid (after one refetch) is invalid', path: '/whoami', request: async (f) => ({ headers: f.bearer(await f.issuer.mint({}, { key: await generateSigningKey('RS256', 'stranger') })) }), status: 401, error: 'invalid_token', reason: 'key_not_found' },
]

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.')
  const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`
  return [header, payload, flipped].join('.')
}

/**
 * How an adapter's refusal body looks: `{ error, error_description }` everywhere, except that the Fastify
 * plugin hands refusals to Fastify's error handler, which answers `{ statusCode, code, error, message }`.
 */
export type RefusalBody = 'oauth' | 'fastify'

/** Declares the whole contract for one app, started by `start` (twice: the second time during an issuer outage). */
export function contractSuite(name: string, start: (options: VerifierOptions) => Promise<ContractApp>, bodyShape: RefusalBody = 'oauth'): void {
  describe(`RFC 6750 contract over ${name}`, () => {
    let issuer: KeyServer
    let app: ContractApp
    let fixtures: Fixtures
    const options = () => ({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, realm: REALM })

    before(async () => {
      issuer = await startKeyServer()
      app = await start(options())
      fixtures = { issuer, good: await issuer.mint(), bearer: (token) => ({ authorization: `Bearer ${token}` }) }
    })
    after(async () => {
      await app.close()
      await issuer.close()
    })

    for (const c of CASES) {
      test(c.name, async () => {
        const { headers, body, query } = await c.request(fixtures)
        const refusalsBefore = (await app.refusals()).length
        const response = await fetch(`${app.url}${c.path}${query ? `?${query}` : ''}`, { method: c.method ?? 'GET', headers, body })
        const text = await response.text()
        const challenge = assertRefusal(response, c.status, c.error, c.name)
        if (challenge !== undefined) {
          assert.equal(challenge.params.realm, REALM)
          if (c.scope !== undefined) assert.equal(challenge.params.scope, c.scope)
          if (c.description !== undefined) assert.equal(challenge.params.error_description, c.description)
        }
        if (c.status >= 400) assert.doesNotMatch(text, /jose|ERR_J|claim timestamp|signature verification/i, 'no library detail on the wire')
        if (c.status >= 400) assert.deepEqual(JSON.parse(text), expectedBody(response, bodyShape), 'the JSON body names the same error as the challenge')
        if (c.reason !== undefined) assert.deepEqual((await app.refusals()).slice(refusalsBefore).map((r) => r.reason), [c.reason], 'operator reason')
        if (c.body !== undefined) c.body(JSON.parse(text) as Record<string, unknown>)
      })
    }

    test('discovery ran once and the key set was fetched once for the whole table (plus one unknown-kid refetch)', () => {
      assert.equal(issuer.counts.discovery, 1)
      assert.equal(issuer.counts.jwks, 2)
    })

    test('issuer outage: tokens already seen and new tokens from known keys still verify, without any fetch', async () => {
      await issuer.stop()
      const fresh = await issuer.mint({ scope: 'read:data admin' })
      for (const token of [fixtures.good, fresh]) {
        const response = await fetch(`${app.url}/whoami`, { headers: fixtures.bearer(token) })
        assert.equal(response.status, 200, await response.text())
      }
      assert.deepEqual({ discovery: issuer.counts.discovery, jwks: issuer.counts.jwks }, { discovery: 1, jwks: 2 })
    })

    test('issuer outage on a cold start: 503 temporarily_unavailable with Retry-After and no challenge, reported as keys_unavailable', async () => {
      const cold = await start(options())
      try {
        const response = await fetch(`${cold.url}/whoami`, { headers: fixtures.bearer(fixtures.good) })
        assert.equal(response.status, 503)
        assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After is an integer ≥ 1')
        assert.equal(response.headers.get('www-authenticate'), null, 'no challenge blaming the token')
        assert.deepEqual(await response.json(), expectedBody(response, bodyShape))
        assert.deepEqual((await cold.refusals()).map((r) => [r.reason, r.status]), [['keys_unavailable', 503]])
      } finally {
        await cold.close()
      }
    })
  })
}

/** The body every adapter sends with a refusal: `{ error, error_description }`, agreeing with the challenge. */
function expectedBody(response: Response, shape: RefusalBody): Record<string, unknown> {
  const challenge = response.headers.get('www-authenticate') ?? ''
  const [error, description] =
    response.status === 503
      ? ['temporarily_unavailable', 'The service cannot verify access tokens right now']
      : challenge.includes('error=')
        ? [/error="([^"]+)"/.exec(challenge)![1]!, /error_description="([^"]+)"/.exec(challenge)?.[1] ?? '']
        : ['missing_token', 'An access token is required']
  if (shape === 'oauth') return { error, error_description: description }
  return { statusCode: response.status, code: error, error: STATUS_TEXT[response.status], message: description }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }
