/**
 * The Fetch API handler beyond the contract table: the extra arguments runtimes pass, `authenticateRequest`,
 * body tokens read from a clone (the handler still reads the body), startup validation, the refusal log.
 * Handlers are called with real `Request` objects, as every runtime calls them.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { authenticateRequest, createVerifier, protect, type AuthContext, type Verifier } from '@tokenguard/fetch'
import { parseChallenge } from '../support/challenge.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

let key: SigningKey
let verifier: Verifier
let good: string

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api' })
  good = await signToken(key)
})

const silent = { logger: false as const }
const get = (token?: string, path = '/') => new Request(`https://api.example${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
const form = (body: string, token?: string) =>
  new Request('https://api.example/form', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) } })

describe('protect()', () => {
  test('the runtime\'s extra arguments (Workers: env, ctx) reach the handler after the verified token', async () => {
    const seen: unknown[] = []
    const handler = protect<undefined, [{ BINDING: string }, { waitUntil(): void }]>({ verifier, ...silent }, undefined, (_request, auth, env, ctx) => {
      seen.push(auth.claims.client_id, env.BINDING, typeof ctx.waitUntil)
      return new Response('ok')
    })
    const response = await handler(get(good), { BINDING: 'kv' }, { waitUntil: () => undefined })
    assert.equal(response.status, 200)
    assert.deepEqual(seen, ['client-1', 'kv', 'function'])
  })

  test('a refusal never reaches the handler, and carries the challenge and the JSON body', async () => {
    let called = false
    const handler = protect({ verifier, ...silent }, { scopes: ['write:data'] }, () => {
      called = true
      return new Response('ok')
    })
    const response = await handler(get(good))
    assert.equal(called, false)
    assert.equal(response.status, 403)
    assert.equal(parseChallenge(response.headers.get('www-authenticate')).params.scope, 'write:data')
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    assert.deepEqual(await response.json(), { error: 'insufficient_scope', error_description: 'The access token lacks the required scope' })
  })

  test('an optional requirement hands the handler null without a token', async () => {
    const handler = protect({ verifier, ...silent }, { optional: true }, (_request, auth) => Response.json({ auth }))
    assert.deepEqual(await (await handler(get())).json(), { auth: null })
  })

  test('what the handler throws propagates unchanged (a bug is not a refusal)', async () => {
    const bug = new Error('handler bug')
    const handler = protect({ verifier, ...silent }, undefined, () => {
      throw bug
    })
    await assert.rejects(handler(get(good)), (error) => error === bug)
  })

  test('one log line per refusal, naming the route template (never the raw path)', async () => {
    const lines: string[] = []
    const logger = { debug: () => undefined, info: (line: string) => void lines.push(line), warn: () => undefined, error: () => undefined }
    const handler = protect({ verifier, logger, route: '/items/:id' }, undefined, () => new Response('ok'))
    await handler(get(undefined, '/items/4711'))
    assert.equal(lines.length, 1)
    assert.match(lines[0]!, /^tokenguard refused GET \/items\/:id: 401 missing_token/)
    assert.doesNotMatch(lines[0]!, /4711/)
  })

  test('onError replaces the log line and gets the request; a throwing onError does not change the answer', async () => {
    const seen: string[] = []
    const handler = protect({ verifier, onError: (error, request) => {
      seen.push(`${error.reason} ${new URL(request.url).pathname}`)
      throw new Error('broken hook')
    } }, undefined, () => new Response('ok'))
    assert.equal((await handler(get('not.a.jwt', '/x'))).status, 401)
    assert.deepEqual(seen, ['token_malformed /x'])
  })

  test('options and requirements are checked when the handler is declared', () => {
    const ok = () => new Response('ok')
    assert.throws(() => protect({ verifier }, undefined, undefined as never), /needs a handler function/)
    assert.throws(() => protect(undefined as never, undefined, ok), /options must be an object/)
    assert.throws(() => protect({ verifier, scopes: ['a'] } as never, undefined, ok), /scopes cannot be given in protect\(\) options: pass the route's requirement as its own argument/)
    assert.throws(() => protect({ verifier, rout: '/x' } as never, undefined, ok), /unknown option "rout" in protect\(\) options \(did you mean "route"\?\)/)
    assert.throws(() => protect({ verifier }, { scopes: [] }, ok), /needs at least one scope/)
    assert.throws(() => protect({ verifier }, { scope: ['a'] } as never, ok), /unknown route requirement key\(s\): scope/)
    assert.throws(() => protect({ verifier, onError: 'log' } as never, undefined, ok), /"onError" must be a function/)
    assert.throws(() => protect({ verifier: {} } as never, undefined, ok), /"verifier" must be a verifier/)
    assert.throws(() => protect({ issuer: LOCAL_ISSUER } as never, undefined, ok), /audience/)
  })
})

describe('authenticateRequest()', () => {
  test('the verified token, the refusal as a Response, or null on an optional requirement', async () => {
    const auth = await authenticateRequest(verifier, get(good), undefined, silent)
    assert.ok(!(auth instanceof Response))
    assert.equal((auth as AuthContext).claims.client_id, 'client-1')
    const refused = await authenticateRequest(verifier, get(), undefined, silent)
    assert.ok(refused instanceof Response)
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="api"')
    assert.equal(await authenticateRequest(verifier, get(), verifier.requirement({ optional: true }), silent), null)
  })
})

describe('body tokens (allowBodyToken)', () => {
  let bodyVerifier: Verifier
  before(() => {
    bodyVerifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, allowBodyToken: true })
  })

  test('a token in a form body is accepted, and the handler still reads the whole body', async () => {
    const body = `note=hello&access_token=${good}`
    const handler = protect({ verifier: bodyVerifier, ...silent }, undefined, async (request, auth) => Response.json({ client: auth.claims.client_id, body: await request.text() }))
    const response = await handler(form(body))
    assert.deepEqual(await response.json(), { client: 'client-1', body })
  })

  test('a repeated access_token, or a header and a body token at once, is 400 invalid_request', async () => {
    const handler = protect({ verifier: bodyVerifier, ...silent }, undefined, () => new Response('ok'))
    assert.equal((await handler(form(`access_token=${good}&access_token=${good}`))).status, 400)
    assert.equal((await handler(form(`access_token=${good}`, good))).status, 400)
  })

  test('a form body over 64 KiB is not read for a token (no token: 401), and stays readable', async () => {
    const body = `access_token=${good}&pad=${'x'.repeat(70_000)}`
    const handler = protect({ verifier: bodyVerifier, ...silent }, { optional: true }, async (request, auth) => Response.json({ auth, length: (await request.text()).length }))
    assert.deepEqual(await (await handler(form(body))).json(), { auth: null, length: body.length })
    const streamed = new Request('https://api.example/form', { method: 'POST', body: new Blob([body]).stream(), duplex: 'half', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as RequestInit)
    assert.deepEqual(await (await handler(streamed)).json(), { auth: null, length: body.length }, 'without Content-Length, the limit holds while streaming')
  })
})

test('a misspelt option beside verifier options is named with the likely fix, in every adapter', async () => {
  const { tokenguard } = await import('@tokenguard/hono')
  const { TokenguardModule } = await import('@tokenguard/nestjs')
  const options = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } }
  assert.throws(() => protect({ ...options, loger: false } as never, undefined, () => new Response()), /unknown option "loger" in protect\(\) options \(did you mean "logger"\?\)/)
  assert.throws(() => tokenguard({ ...options, scope: ['a'] } as never), /unknown option "scope" in tokenguard\(\) options \(did you mean "scopes"\?\)/)
  assert.throws(() => TokenguardModule.forRoot({ ...options, warmUp: 'off' } as never), /unknown option "warmUp" in TokenguardModule\.forRoot\(\) options \(did you mean "warmup"\?\)/)
})
