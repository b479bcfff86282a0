/**
 * express-oauth2-jwt-bearer's own Express tests (packages/express-oauth2-jwt-bearer/test/index.test.ts)
 * and its token extraction tests (packages/oauth2-bearer/test/get-token.test.ts), replayed over real HTTP
 * against the same routes built with @tokenguard/express. `realm: 'api'` is set so that challenges read
 * like the peer's (`Bearer realm="api"`); tokenguard sends no realm unless one is configured.
 */
import assert from 'node:assert/strict'
import { authenticate, includes, requireAnyScope, requireClaim, requireScopes, type AuthenticateOptions } from '@tokenguard/express'
import express from 'express'
import { LOCAL_ISSUER, refusedAtStartup, request, SECRET, type ReplayCase, type ReplayEnv } from './env.js'

const INDEX = 'express-oauth2-jwt-bearer/test/index.test.ts'
const GET_TOKEN = 'oauth2-bearer/test/get-token.test.ts'

/** The peer's `setup()`: urlencoded bodies, the middleware, an optional guard, and `/` answering `req.auth`. */
async function setup(env: ReplayEnv, options: Partial<AuthenticateOptions> = {}, guard?: express.RequestHandler): Promise<string> {
  return env.express((app) => {
    app.use(express.urlencoded({ extended: false }))
    app.use(authenticate({ issuer: env.issuer.issuer, audience: env.issuer.audience, allowInsecureHttp: true, realm: 'api', logger: false, ...options } as AuthenticateOptions))
    if (guard !== undefined) app.use(guard)
    app.all('/', (req, res) => void res.json({ auth: req.auth === null ? null : { claims: req.auth?.claims } }))
  })
}

const claimsOf = (body: unknown) => (body as { auth: { claims: Record<string, unknown> } | null }).auth?.claims

export const EXPRESS_CASES: ReplayCase[] = [
  {
    file: INDEX, name: 'should fail for anonymous requests', outcome: 'same',
    note: '401 Bearer realm="api" (no error code)',
    async run(env) {
      const { status, challenge } = await request(await setup(env))
      assert.deepEqual([status, challenge], [401, 'Bearer realm="api"'])
    },
  },
  {
    file: INDEX, name: 'should succeed for anonymous requests when authRequired is false', outcome: 'same',
    note: 'optional: true: 200, req.auth is null',
    async run(env) {
      const { status, body } = await request(await setup(env, { optional: true }))
      assert.deepEqual([status, body], [200, { auth: null }])
    },
  },
  {
    file: INDEX, name: 'should succeed for invalid requests when authRequired is false', outcome: 'stricter',
    note: 'optional: true lets a request without a token through; a bad token is still 401',
    async run(env) {
      const { status, challenge } = await request(await setup(env, { optional: true }), { token: 'invalid.jwt' })
      assert.equal(status, 401)
      assert.match(challenge ?? '', /error="invalid_token"/)
    },
  },
  {
    file: INDEX, name: 'should fail for anonymous requests when authRequired is true', outcome: 'same',
    note: '401',
    run: async (env) => assert.equal((await request(await setup(env, { optional: false }))).status, 401),
  },
  {
    file: INDEX, name: 'should accept empty arguments and env vars', outcome: 'different',
    note: 'no environment variables are read (ISSUER_BASE_URL, AUDIENCE…): options are explicit, and missing ones are refused at startup',
    run: async () => refusedAtStartup(() => authenticate({} as AuthenticateOptions), 'issuer'),
  },
  {
    file: INDEX, name: 'should succeed for authenticated requests', outcome: 'same',
    note: '200, the claims on req.auth.claims (the peer: req.auth.payload)',
    async run(env) {
      const { status, body } = await request(await setup(env), { token: await env.issuer.sign() })
      assert.equal(status, 200)
      assert.equal(claimsOf(body)?.iss, env.issuer.issuer)
    },
  },
  {
    file: INDEX, name: 'should succeed for authenticated requests signed with symmetric keys', outcome: 'same',
    note: '200',
    async run(env) {
      const url = await setup(env, { issuer: LOCAL_ISSUER, secret: SECRET, algorithms: ['HS256'] })
      assert.equal((await request(url, { token: await env.signWith(SECRET) })).status, 200)
    },
  },
  {
    file: INDEX, name: 'should fail for requests signed with invalid symmetric keys', outcome: 'same',
    note: '401 invalid_token (the description is generic: "The access token is invalid")',
    async run(env) {
      const url = await setup(env, { issuer: LOCAL_ISSUER, secret: SECRET, algorithms: ['HS256'] })
      const { status, challenge } = await request(url, { token: await env.signWith('another-secret-of-at-least-32-bytes!!!') })
      assert.deepEqual([status, challenge], [401, 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"'])
    },
  },
  {
    file: INDEX, name: 'should fail for audience mismatch', outcome: 'same',
    note: '401 invalid_token',
    async run(env) {
      const { status } = await request(await setup(env, { audience: 'foo' }), { token: await env.issuer.sign({}, { audience: 'bar' }) })
      assert.equal(status, 401)
    },
  },
  {
    file: INDEX, name: 'should fail when custom validator fails', outcome: 'same',
    note: 'the "claims" option: 401 invalid_token',
    run: async (env) => assert.equal((await request(await setup(env, { claims: { foo: () => false } }), { token: await env.issuer.sign() })).status, 401),
  },
  {
    file: INDEX, name: 'should succeed for POST requests with custom character encoding', outcome: 'different',
    note: 'form-body tokens are off by default (401); with allowBodyToken: true the urlencoded body (charset=UTF-8) is read: 200',
    async run(env) {
      const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body: `access_token=${await env.issuer.sign()}` }
      assert.equal((await request(await setup(env), form)).status, 401)
      assert.equal((await request(await setup(env, { allowBodyToken: true }), form)).status, 200)
    },
  },
  {
    file: INDEX, name: 'should fail with custom claim check for anonymous request', outcome: 'different',
    note: 'a guard with no authenticate() before it is a wiring error: 500, naming the fix (not 401)',
    async run(env) {
      const url = await env.express((app) => app.use(requireClaim('foo', () => false), (_req, res) => void res.json({})))
      assert.equal((await request(url)).status, 500)
    },
  },
  {
    file: INDEX, name: 'should fail when custom claim check returns false', outcome: 'same',
    note: 'requireClaim with a predicate: 401 invalid_token (a custom message is not sent; the reason is logged)',
    async run(env) {
      const { status, challenge } = await request(await setup(env, {}, requireClaim('num', (num) => typeof num === 'number' && num > 3)), { token: await env.issuer.sign({ num: 2 }) })
      assert.equal(status, 401)
      assert.match(challenge ?? '', /error="invalid_token"/)
    },
  },
  {
    file: INDEX, name: 'should succeed when custom claim check returns true', outcome: 'same',
    note: '200',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireClaim('num', (num) => typeof num === 'number' && num > 3)), { token: await env.issuer.sign({ num: 4 }) })).status, 200),
  },
  {
    file: INDEX, name: 'should fail when actual claim does not equal expected claim', outcome: 'same',
    note: 'requireClaim("foo", "bar"): 401',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireClaim('foo', 'bar')), { token: await env.issuer.sign({ foo: 'baz' }) })).status, 401),
  },
  {
    file: INDEX, name: 'should succeed when actual claim does equals expected claim', outcome: 'same',
    note: '200',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireClaim('foo', 'bar')), { token: await env.issuer.sign({ foo: 'bar' }) })).status, 200),
  },
  {
    file: INDEX, name: 'should fail when actual claim does not include expected claims', outcome: 'built',
    note: 'requireClaim("foo", includes("bar", "baz")) on "bar qux": 401',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireClaim('foo', includes('bar', 'baz'))), { token: await env.issuer.sign({ foo: 'bar qux' }) })).status, 401),
  },
  {
    file: INDEX, name: 'should succeed when actual claim includes expected claims', outcome: 'same',
    note: 'includes() on an array claim: 200',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireClaim('foo', includes('bar', 'baz'))), { token: await env.issuer.sign({ foo: ['bar', 'baz'] }) })).status, 200),
  },
  {
    file: INDEX, name: 'should fail when required scopes are not included (requiredScopes)', outcome: 'same',
    note: '403, challenge scope="foo bar baz"',
    async run(env) {
      const { status, challenge } = await request(await setup(env, {}, requireScopes('foo', 'bar', 'baz')), { token: await env.issuer.sign({}, { scope: 'foo bar' }) })
      assert.equal(status, 403)
      assert.match(challenge ?? '', /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="foo bar baz"$/)
    },
  },
  {
    file: INDEX, name: 'should succeed when required scopes are included (requiredScopes)', outcome: 'same',
    note: '200, also with scope as an array claim',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireScopes('foo', 'bar')), { token: await env.issuer.sign({ scope: ['foo', 'bar', 'baz'] }) })).status, 200),
  },
  {
    file: INDEX, name: 'should replace double quotes in header with single quotes', outcome: 'same',
    note: '401 invalid_token; the description is generic, so never carries quotes',
    async run(env) {
      const { status, challenge } = await request(await setup(env), { token: await env.issuer.sign({ nbf: false }) })
      assert.equal(status, 401)
      assert.equal(challenge, 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"')
    },
  },
  {
    file: INDEX, name: 'should fail when required scopes are not included (scopeIncludesAny)', outcome: 'same',
    note: 'requireAnyScope: 403, challenge scope="foo bar baz"',
    async run(env) {
      const { status, challenge } = await request(await setup(env, {}, requireAnyScope('foo', 'bar', 'baz')), { token: await env.issuer.sign({}, { scope: 'qux quxx' }) })
      assert.equal(status, 403)
      assert.match(challenge ?? '', /scope="foo bar baz"/)
    },
  },
  {
    file: INDEX, name: 'should succeed when required scopes are included (scopeIncludesAny)', outcome: 'same',
    note: '200',
    run: async (env) => assert.equal((await request(await setup(env, {}, requireAnyScope('foo', 'bar')), { token: await env.issuer.sign({ scope: ['foo', 'bar', 'baz'] }) })).status, 200),
  },
  {
    file: INDEX, name: 'passes through a cert-bound token unvalidated when getCertificate is not configured (mTLS is opt-in)', outcome: 'stricter',
    note: 'a token with cnf (mTLS or DPoP bound) sent as a bearer token is 401 token_binding_unverified',
    run: async (env) => assert.equal((await request(await setup(env), { token: await env.issuer.sign({ cnf: { 'x5t#S256': 'abc' } }) })).status, 401),
  },
]

export const GET_TOKEN_CASES: ReplayCase[] = [
  {
    file: GET_TOKEN, name: 'should fail when there are no tokens', outcome: 'same',
    note: '401',
    run: async (env) => assert.equal((await request(await setup(env))).status, 401),
  },
  {
    file: GET_TOKEN, name: 'should get the token from the header', outcome: 'same',
    note: '200',
    run: async (env) => assert.equal((await request(await setup(env), { token: await env.issuer.sign() })).status, 200),
  },
  {
    file: GET_TOKEN, name: 'should do case insensitive check for header', outcome: 'same',
    note: '"bearer …": 200',
    run: async (env) => assert.equal((await request(await setup(env), { headers: { authorization: `bearer ${await env.issuer.sign()}` } })).status, 200),
  },
  {
    file: GET_TOKEN, name: 'should fail for malformed header', outcome: 'same',
    note: '"foo token" is another scheme: 401 without an error code',
    async run(env) {
      const { status, challenge } = await request(await setup(env), { headers: { authorization: 'foo token' } })
      assert.deepEqual([status, challenge], [401, 'Bearer realm="api"'])
    },
  },
  {
    file: GET_TOKEN, name: 'should fail for empty header', outcome: 'different',
    note: '"Bearer " is a malformed header: 400 invalid_request (the peer\'s getToken: 401)',
    run: async (env) => assert.equal((await request(await setup(env), { headers: { authorization: 'Bearer ' } })).status, 400),
  },
  {
    file: GET_TOKEN, name: 'should get the token from the query string', outcome: 'different',
    note: 'query tokens are off by default (401: no token); allowQueryToken: true takes them',
    async run(env) {
      const token = await env.issuer.sign()
      assert.equal((await request(`${await setup(env)}/?access_token=${token}`)).status, 401)
      assert.equal((await request(`${await setup(env, { allowQueryToken: true })}/?access_token=${token}`)).status, 200)
    },
  },
  {
    file: GET_TOKEN, name: 'should succeed to get the token from the query string for POST requests', outcome: 'different',
    note: 'with allowQueryToken: true, also for POST',
    run: async (env) => assert.equal((await request(`${await setup(env, { allowQueryToken: true })}/?access_token=${await env.issuer.sign()}`, { method: 'POST' })).status, 200),
  },
  {
    file: GET_TOKEN, name: 'should get the token from the request payload', outcome: 'different',
    note: 'form-body tokens are off by default; allowBodyToken: true takes them from a urlencoded POST',
    async run(env) {
      const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${await env.issuer.sign()}` }
      assert.equal((await request(await setup(env), form)).status, 401)
      assert.equal((await request(await setup(env, { allowBodyToken: true }), form)).status, 200)
    },
  },
  {
    file: GET_TOKEN, name: 'should fail to get the token from JSON request payload', outcome: 'same',
    note: '401: a JSON body is never read for a token',
    async run(env) {
      const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: await env.issuer.sign() }) }
      assert.equal((await request(await setup(env, { allowBodyToken: true }), json)).status, 401)
    },
  },
  {
    file: GET_TOKEN, name: 'should succeed to get the token from request payload for GETs', outcome: 'stricter',
    note: 'a GET body is never read for a token (RFC 6750 §2.2), even with allowBodyToken: 401',
    async run(env) {
      const url = await setup(env, { allowBodyToken: true })
      const token = await env.issuer.sign()
      // fetch() refuses a GET body; a raw request sends one.
      const { request: send } = await import('node:http')
      const status = await new Promise<number>((resolve, reject) => {
        const body = `access_token=${token}`
        const req = send(url, { method: 'GET', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        req.end(body)
      })
      assert.equal(status, 401)
    },
  },
  {
    file: GET_TOKEN, name: 'should fail if more than one method is used', outcome: 'same',
    note: 'with query tokens enabled: 400 invalid_request (multiple_token_methods); with them off, the query is not a token at all',
    async run(env) {
      const token = await env.issuer.sign()
      assert.equal((await request(`${await setup(env, { allowQueryToken: true })}/?access_token=${token}`, { token })).status, 400)
      assert.equal((await request(`${await setup(env)}/?access_token=${token}`, { token })).status, 200)
    },
  },
]
