/**
 * docs/migrate-from-express-oauth2-jwt-bearer.md, worked and tested: the guide's "before" app (on
 * express-oauth2-jwt-bearer) and "after" app (on @tokenguard/express) verify tokens of one local issuer
 * and answer one table of requests over real HTTP — the same way, except for the differences the guide
 * names, each asserted here as a difference. The startup differences are asserted too.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { isConfigurationError } from '@tokenguard/core'
import { authenticate, includes, requireAnyScope, requireClaim, requireScopes } from '@tokenguard/express'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express from 'express'
import { auth, claimEquals, claimIncludes, requiredScopes, scopeIncludesAny } from 'express-oauth2-jwt-bearer'
import { compareApps, type Difference, type Row } from './table.js'

type Handler = express.RequestHandler

// ── before: express-oauth2-jwt-bearer ────────────────────────────────────────────────────────────────
function beforeApp(issuerBaseURL: string, audience: string): express.Express {
  const app = express()
  const checkJwt = auth({ issuerBaseURL, audience }) as unknown as Handler
  const maybeJwt = auth({ issuerBaseURL, audience, authRequired: false }) as unknown as Handler
  // (req.auth is typed as tokenguard's here: the peer's is { header, payload, token })
  const me = (req: express.Request, res: express.Response) => void res.json({ sub: (req as unknown as { auth?: { payload: { sub?: string } } }).auth?.payload.sub ?? null })
  app.get('/public', (_req, res) => void res.json({ public: true }))
  app.get('/data', checkJwt, requiredScopes('read:data') as unknown as Handler, me)
  app.get('/admin', checkJwt, scopeIncludesAny('admin root') as unknown as Handler, me)
  app.get('/tenant', checkJwt, claimEquals('tenant', 'acme') as unknown as Handler, me)
  app.get('/editors', checkJwt, claimIncludes('roles', 'editor') as unknown as Handler, me)
  app.get('/maybe', maybeJwt, me)
  app.post('/form', express.urlencoded({ extended: false }), checkJwt, me)
  return app
}

// ── after: @tokenguard/express ───────────────────────────────────────────────────────────────────────
function afterApp(issuer: string, audience: string): express.Express {
  const app = express()
  // The guide's app minus two test settings: allowInsecureHttp (the issuer is http on 127.0.0.1), logger: false.
  const checkJwt = authenticate({ issuer, audience, realm: 'api', allowInsecureHttp: true, logger: false })
  const maybeJwt = authenticate({ verifier: checkJwt.verifier, optional: true })
  const me = (req: express.Request, res: express.Response) => void res.json({ sub: req.auth?.claims.sub ?? null })
  app.get('/public', (_req, res) => void res.json({ public: true }))
  app.get('/data', checkJwt, requireScopes('read:data'), me)
  app.get('/admin', checkJwt, requireAnyScope('admin', 'root'), me)
  app.get('/tenant', checkJwt, requireClaim('tenant', 'acme'), me)
  app.get('/editors', checkJwt, requireClaim('roles', includes('editor')), me)
  app.get('/maybe', maybeJwt, me)
  app.post('/form', express.urlencoded({ extended: false }), checkJwt, me)
  return app
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  app.set('env', 'test') // the final handler answers errors (status, err.headers) without logging them
  const server = app.listen(0, '127.0.0.1') as Server
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

const now = () => Math.floor(Date.now() / 1000)

describe('migrating from express-oauth2-jwt-bearer: the before and after apps answer alike', () => {
  let issuer: TestIssuer
  let other: TestIssuer
  let apps: Array<{ url: string; close(): Promise<void> }>
  before(async () => {
    ;[issuer, other] = await Promise.all([createTestIssuer(), createTestIssuer()])
    const audience = issuer.audience as string
    apps = await Promise.all([listen(beforeApp(issuer.issuer, audience)), listen(afterApp(issuer.issuer, audience))])
  })
  after(async () => {
    await Promise.all(apps.map((app) => app.close()))
    await Promise.all([issuer.stop(), other.stop()])
  })

  test('the table of requests', async () => {
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
      { name: 'token without exp', path: '/data', token: await sign({}, { scope: 'read:data', omit: ['exp'] }) },
      { name: 'token not yet valid', path: '/data', token: await sign({}, { scope: 'read:data', notYetValid: true }) },
      { name: 'any-of scope present', path: '/admin', token: await sign({ sub: 'root-client' }, { scope: 'root' }) },
      { name: 'any-of scope missing', path: '/admin', token: valid },
      { name: 'claim equals', path: '/tenant', token: await sign({ sub: 't', tenant: 'acme' }) },
      { name: 'claim differs', path: '/tenant', token: await sign({ tenant: 'globex' }) },
      { name: 'claim includes, space-delimited string', path: '/editors', token: await sign({ sub: 'e', roles: 'viewer editor' }) },
      { name: 'claim includes, array', path: '/editors', token: await sign({ sub: 'e', roles: ['editor'] }) },
      { name: 'claim does not include', path: '/editors', token: await sign({ roles: 'viewer' }) },
      { name: 'optional route, no token', path: '/maybe' },
      { name: 'optional route, valid token', path: '/maybe', token: valid },
      { name: 'optional route, invalid token', path: '/maybe', token: await sign({}, { expired: true }) },
      { name: 'token typed as a DPoP proof (not an access token)', path: '/data', token: await sign({}, { scope: 'read:data', wrongType: true }) },
      { name: 'Authorization: Basic', path: '/data', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      { name: 'Authorization: Bearer without a token', path: '/data', headers: { authorization: 'Bearer' } },
      { name: 'token in the query string', path: `/data?access_token=${valid}` },
      { name: 'token in a form body', method: 'POST', path: '/form', form: { access_token: valid } },
      { name: 'token bound to a DPoP key, sent as Bearer', path: '/data', token: await sign({ cnf: { jkt: 'x'.repeat(43) } }, { scope: 'read:data' }) },
    ]
    const differences: Record<string, Difference> = {
      'optional route, invalid token': { why: 'optional lets no token through, never a bad one', before: { status: 200, body: { sub: null } }, after: { status: 401, error: 'invalid_token' } },
      'token typed as a DPoP proof (not an access token)': { why: 'explicit typing (RFC 8725 §3.11)', before: { status: 200 }, after: { status: 401, error: 'invalid_token' } },
      'Authorization: Basic': { why: 'another scheme is no bearer credentials', before: { status: 400 }, after: { status: 401, error: '(none)' } },
      'Authorization: Bearer without a token': { why: 'a malformed header names its error', before: { status: 400, error: '(none)' }, after: { status: 400, error: 'invalid_request' } },
      'token in the query string': { why: 'query tokens are off by default', before: { status: 200 }, after: { status: 401, error: '(none)' } },
      'token in a form body': { why: 'form-body tokens are off by default', before: { status: 200 }, after: { status: 401, error: '(none)' } },
    }
    await compareApps(apps[0]!.url, apps[1]!.url, rows, differences, ['status', 'error', 'scope', 'body'])
  })

  test('challenges: the peer sends the internal reason and a DPoP challenge, tokenguard a generic text (the reason goes to the log)', async () => {
    const token = await issuer.sign({}, { scope: 'read:data', audience: 'https://other.example' })
    const challenges = await Promise.all(apps.map(async (app) => (await fetch(`${app.url}/data`, { headers: { authorization: `Bearer ${token}` } })).headers.get('www-authenticate')))
    assert.equal(challenges[0], 'Bearer realm="api", error="invalid_token", error_description="Unexpected \'aud\' value", DPoP algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES256K ES384 ES512 EdDSA"')
    assert.equal(challenges[1], 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"')
  })

  test('keys unavailable at a cold start: the peer answers 401, tokenguard 503 with Retry-After', async () => {
    const down = await createTestIssuer()
    const token = await down.sign({}, { scope: 'read:data' })
    const cold = await Promise.all([listen(beforeApp(down.issuer, down.audience as string)), listen(afterApp(down.issuer, down.audience as string))])
    try {
      await down.outage('503')
      const [peer, ours] = await Promise.all(cold.map((app) => fetch(`${app.url}/data`, { headers: { authorization: `Bearer ${token}` } })))
      assert.equal(peer!.status, 401)
      assert.equal(ours!.status, 503)
      assert.ok(Number(ours!.headers.get('retry-after')) >= 1)
    } finally {
      await Promise.all(cold.map((app) => app.close()))
      await down.stop()
    }
  })

  test('startup: what the peer accepts and tokenguard refuses, each naming the fix', async () => {
    const refuses = (options: Record<string, unknown>, option: string, message: RegExp) =>
      assert.throws(() => authenticate({ audience: issuer.audience, ...options } as never), (error: unknown) => isConfigurationError(error) && error.option === option && message.test(error.message))
    assert.doesNotThrow(() => auth({ issuerBaseURL: issuer.issuer, audience: issuer.audience as string }), 'the peer takes an http issuer outside production')
    refuses({ issuer: issuer.issuer }, 'issuer', /must use https \(set allowInsecureHttp: true only for local tests\)/)
    refuses({ issuerBaseURL: issuer.issuer }, 'issuerBaseURL', /unknown option "issuerBaseURL"/)
    refuses({ issuer: issuer.issuer, allowInsecureHttp: true, clockTolerance: 5 }, 'clockTolerance', /is in milliseconds: 5 ms is implausible — write '5s' or 5000/)
    refuses({ issuer: issuer.issuer, allowInsecureHttp: true, tokenSigningAlg: 'RS256' }, 'tokenSigningAlg', /unknown option "tokenSigningAlg"/)
    // A mismatch the peer finds on the first token, tokenguard at ready(): the metadata names another issuer.
    const misnamed = authenticate({ issuer: `${issuer.issuer}/`, audience: issuer.audience, allowInsecureHttp: true })
    const error = await misnamed.verifier.ready().then(() => undefined, (failure: unknown) => failure)
    assert.ok(isConfigurationError(error))
    assert.match(error.message, new RegExp(`set issuer to exactly "${issuer.issuer}"`))
  })

  test('clock tolerance and token age are milliseconds (or strings) in tokenguard, seconds in the peer', async () => {
    const token = await issuer.sign({ exp: now() - 30, iat: now() - 400 }, { scope: 'read:data' })
    const peer = auth({ issuerBaseURL: issuer.issuer, audience: issuer.audience as string, clockTolerance: 60 }) as unknown as Handler
    const ours = authenticate({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true, clockTolerance: '60s' })
    const apps = await Promise.all([peer, ours].map((middleware) => listen(express().get('/', middleware, (_req, res) => void res.json({ ok: true })))))
    try {
      for (const app of apps) assert.equal((await fetch(app.url, { headers: { authorization: `Bearer ${token}` } })).status, 200)
    } finally {
      await Promise.all(apps.map((app) => app.close()))
    }
  })
})
