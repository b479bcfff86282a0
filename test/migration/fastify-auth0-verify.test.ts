/**
 * docs/migrate-from-fastify-auth0-verify.md, worked and tested: the guide's "before" app (Fastify with
 * fastify-auth0-verify, itself on @fastify/jwt, and the hand-written scope and optional-auth hooks such
 * apps carry) and "after" app (@tokenguard/fastify) verify tokens of one local issuer and answer one table
 * of requests over real HTTP — the same way, except for the differences the guide names, each asserted.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { isConfigurationError } from '@tokenguard/core'
import tokenguard from '@tokenguard/fastify'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import fastifyAuth0Verify from 'fastify-auth0-verify'
import { ask, compareApps, type Difference, type Row } from './table.js'

const userOf = (request: FastifyRequest) => (request as unknown as { user?: { sub?: string; scope?: string } }).user

// ── before: fastify-auth0-verify ─────────────────────────────────────────────────────────────────────
async function beforeApp(domain: string, audience: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(fastifyAuth0Verify, { domain, audience })
  // Scopes and optional authentication are the application's own code with fastify-auth0-verify.
  const requireScope = (scope: string) => async (request: FastifyRequest) => {
    if (!String(userOf(request)?.scope ?? '').split(' ').includes(scope)) throw Object.assign(new Error('Insufficient scope'), { statusCode: 403 })
  }
  const maybeAuthenticate = async (request: FastifyRequest, reply: Parameters<typeof app.authenticate>[1]) => {
    if (request.headers.authorization !== undefined) await app.authenticate(request, reply)
  }
  const me = async (request: FastifyRequest) => ({ sub: userOf(request)?.sub ?? null })
  app.get('/public', async () => ({ public: true }))
  app.get('/data', { onRequest: app.authenticate, preHandler: requireScope('read:data') }, me)
  app.get('/maybe', { onRequest: maybeAuthenticate }, me)
  app.get('/forgotten', me) // no hook: open
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

// ── after: @tokenguard/fastify ───────────────────────────────────────────────────────────────────────
async function afterApp(issuer: string, audience: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  // The guide's app plus allowInsecureHttp (the test's issuer is http on 127.0.0.1).
  await app.register(tokenguard, { issuer, audience, algorithms: ['RS256', 'EdDSA'], allowInsecureHttp: true })
  const me = async (request: FastifyRequest) => ({ sub: request.auth?.claims.sub ?? null })
  app.get('/public', { config: { auth: false } }, async () => ({ public: true }))
  app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, me)
  app.get('/maybe', { config: { auth: { optional: true } } }, me)
  app.get('/forgotten', me) // no config: protected, as every route is by default
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

const urlOf = (app: FastifyInstance) => {
  const address = app.server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
}
const now = () => Math.floor(Date.now() / 1000)

describe('migrating from fastify-auth0-verify: the before and after apps answer alike', () => {
  let issuer: TestIssuer
  let other: TestIssuer
  let apps: FastifyInstance[]
  before(async () => {
    // fastify-auth0-verify takes the issuer to be the domain's origin with a trailing slash.
    ;[issuer, other] = await Promise.all([createTestIssuer({ path: '/' }), createTestIssuer({ path: '/' })])
    apps = [await beforeApp(issuer.issuer, issuer.audience as string), await afterApp(issuer.issuer, issuer.audience as string)]
  })
  after(async () => {
    await Promise.all(apps.map((app) => app.close()))
    await Promise.all([issuer.stop(), other.stop()])
  })

  test('the table of requests: status and body', async () => {
    const sign = issuer.sign
    const valid = await sign({ sub: 'client-1' }, { scope: 'read:data' })
    const rows: Row[] = [
      { name: 'public route', path: '/public' },
      { name: 'no token', path: '/data' },
      { name: 'valid token with the scope', path: '/data', token: valid },
      { name: 'valid token without the scope', path: '/data', token: await sign({}, { scope: 'write:data' }) },
      { name: 'expired token', path: '/data', token: await sign({}, { scope: 'read:data', expired: true }) },
      { name: 'token for another audience', path: '/data', token: await sign({}, { scope: 'read:data', audience: 'https://other.example' }) },
      { name: 'token of another issuer', path: '/data', token: await other.sign({}, { scope: 'read:data' }) },
      { name: 'token signed by an unknown key', path: '/data', token: await sign({}, { scope: 'read:data', unknownKey: true }) },
      { name: 'token not yet valid', path: '/data', token: await sign({}, { scope: 'read:data', notYetValid: true }) },
      { name: 'token without exp', path: '/data', token: await sign({ sub: 'forever' }, { scope: 'read:data', omit: ['exp'] }) },
      { name: 'token expired a second ago', path: '/data', token: await sign({ sub: 'skewed', exp: now() - 1, iat: now() - 60 }, { scope: 'read:data' }) },
      { name: 'optional route, no token', path: '/maybe' },
      { name: 'optional route, valid token', path: '/maybe', token: valid },
      { name: 'optional route, invalid token', path: '/maybe', token: await sign({}, { expired: true }) },
      { name: 'route without auth configuration, no token', path: '/forgotten' },
      { name: 'token typed as a DPoP proof (not an access token)', path: '/data', token: await sign({ sub: 'proof' }, { scope: 'read:data', wrongType: true }) },
      { name: 'token bound to a DPoP key, sent as Bearer', path: '/data', token: await sign({ sub: 'bound', cnf: { jkt: 'x'.repeat(43) } }, { scope: 'read:data' }) },
      { name: 'Authorization: Basic', path: '/data', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      { name: 'Authorization: Bearer without a token', path: '/data', headers: { authorization: 'Bearer' } },
      { name: 'token in the query string', path: `/data?access_token=${valid}` },
    ]
    const differences: Record<string, Difference> = {
      'token without exp': { why: 'exp is required', before: { status: 200, body: { sub: 'forever' } }, after: { status: 401 } },
      'token expired a second ago': { why: '5 s of clock tolerance by default', before: { status: 401 }, after: { status: 200, body: { sub: 'skewed' } } },
      'route without auth configuration, no token': { why: 'every route is protected unless config.auth is false', before: { status: 200, body: { sub: null } }, after: { status: 401 } },
      'token typed as a DPoP proof (not an access token)': { why: 'explicit typing (RFC 8725 §3.11)', before: { status: 200, body: { sub: 'proof' } }, after: { status: 401 } },
      'token bound to a DPoP key, sent as Bearer': { why: 'a sender-constrained token needs its proof', before: { status: 200, body: { sub: 'bound' } }, after: { status: 401 } },
      'Authorization: Bearer without a token': { why: 'a malformed header is a malformed request', before: { status: 401 }, after: { status: 400 } },
    }
    await compareApps(urlOf(apps[0]!), urlOf(apps[1]!), rows, differences, ['status', 'body'])
    const [peer, ours] = [await ask(urlOf(apps[0]!), rows[1]!), await ask(urlOf(apps[1]!), rows[1]!)]
    assert.equal(peer.error, undefined, 'fastify-auth0-verify sends no challenge')
    assert.equal(ours.error, '(none)', 'tokenguard sends Bearer (RFC 6750 §3)')
  })

  test('keys unavailable at a cold start: fastify-auth0-verify answers 500, tokenguard 503 with Retry-After', async () => {
    const down = await createTestIssuer({ path: '/' })
    const token = await down.sign({}, { scope: 'read:data' })
    await down.outage('503')
    const cold = [await beforeApp(down.issuer, down.audience as string), await afterApp(down.issuer, down.audience as string)]
    try {
      const [peer, ours] = await Promise.all(cold.map((app) => fetch(`${urlOf(app)}/data`, { headers: { authorization: `Bearer ${token}` } })))
      assert.equal(peer!.status, 500)
      assert.equal(ours!.status, 503)
      assert.ok(Number(ours!.headers.get('retry-after')) >= 1)
    } finally {
      await Promise.all(cold.map((app) => app.close()))
      await down.stop()
    }
  })

  test('startup: a domain is not an issuer, and fastify-auth0-verify\'s options are not tokenguard\'s', async () => {
    const register = async (options: Record<string, unknown>) => {
      const app = Fastify({ logger: false })
      try {
        await app.register(tokenguard, { audience: issuer.audience, allowInsecureHttp: true, warmup: 'off', ...options } as never)
        await app.ready()
      } finally {
        await app.close()
      }
    }
    const refuses = (options: Record<string, unknown>, option: string, message: RegExp) =>
      assert.rejects(register(options), (error: unknown) => isConfigurationError(error) && error.option === option && message.test(error.message))
    await refuses({ domain: 'tenant.example.com' }, 'domain', /unknown option "domain"/)
    await refuses({ issuer: 'tenant.example.com' }, 'issuer', /must be an absolute http\(s\) URL/)
    await refuses({ issuer: issuer.issuer, secretsTtl: 60_000 }, 'secretsTtl', /unknown option "secretsTtl"/)
  })
})
