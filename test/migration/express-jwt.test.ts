/**
 * docs/migrate-from-express-jwt.md, worked and tested: the guide's "before" app (express-jwt with a
 * jwks-rsa key provider, and the hand-written scope guard such apps carry) and "after" app
 * (@tokenguard/express) verify tokens of one local issuer and answer one table of requests over real HTTP
 * — the same way, except for the differences the guide names, each asserted here as a difference.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { isConfigurationError } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express from 'express'
import { expressjwt, type Request as JwtRequest } from 'express-jwt'
import jwksRsa from 'jwks-rsa'
import { ask, compareApps, type Difference, type Row } from './table.js'

const now = () => Math.floor(Date.now() / 1000)

// ── before: express-jwt + jwks-rsa ───────────────────────────────────────────────────────────────────
function beforeApp(issuer: string, jwksUri: string, audience: string): express.Express {
  const app = express()
  const options = {
    secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 5 }) as never,
    audience,
    issuer,
    algorithms: ['RS256'] as ['RS256'],
  }
  const checkJwt = expressjwt(options) as unknown as express.RequestHandler
  const maybeJwt = expressjwt({ ...options, credentialsRequired: false }) as unknown as express.RequestHandler
  // express-jwt checks no scopes: apps write this themselves.
  const requireScope = (scope: string): express.RequestHandler => (req, res, next) => {
    const granted = String((req as unknown as JwtRequest).auth?.scope ?? '').split(' ')
    if (granted.includes(scope)) return next()
    res.status(403).json({ error: 'insufficient_scope' })
  }
  const me = (req: express.Request, res: express.Response) => void res.json({ sub: (req as unknown as JwtRequest).auth?.sub ?? null })
  app.get('/public', (_req, res) => void res.json({ public: true }))
  app.get('/data', checkJwt, requireScope('read:data'), me)
  app.get('/maybe', maybeJwt, me)
  app.post('/form', express.urlencoded({ extended: false }), checkJwt, me)
  app.use((error: Error & { code?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (error.name === 'UnauthorizedError') return void res.status(401).json({ error: error.code })
    next(error)
  })
  return app
}

// ── after: @tokenguard/express ───────────────────────────────────────────────────────────────────────
function afterApp(issuer: string, audience: string): express.Express {
  const app = express()
  // The guide's app minus two test settings: allowInsecureHttp (the issuer is http on 127.0.0.1), logger: false.
  const checkJwt = authenticate({ issuer, audience, algorithms: ['RS256'], allowInsecureHttp: true, logger: false })
  const maybeJwt = authenticate({ verifier: checkJwt.verifier, optional: true })
  const me = (req: express.Request, res: express.Response) => void res.json({ sub: req.auth?.claims.sub ?? null })
  app.get('/public', (_req, res) => void res.json({ public: true }))
  app.get('/data', checkJwt, requireScopes('read:data'), me)
  app.get('/maybe', maybeJwt, me)
  app.post('/form', express.urlencoded({ extended: false }), checkJwt, me)
  return app
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  app.set('env', 'test')
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

describe('migrating from express-jwt + jwks-rsa: the before and after apps answer alike', () => {
  let issuer: TestIssuer
  let other: TestIssuer
  let apps: Array<{ url: string; close(): Promise<void> }>
  let rows: Row[]
  before(async () => {
    ;[issuer, other] = await Promise.all([createTestIssuer(), createTestIssuer()])
    const audience = issuer.audience as string
    apps = await Promise.all([listen(beforeApp(issuer.issuer, issuer.jwksUri, audience)), listen(afterApp(issuer.issuer, audience))])
    const sign = issuer.sign
    const valid = await sign({ sub: 'client-1' }, { scope: 'read:data' })
    rows = [
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
      { name: 'token typed as a DPoP proof (not an access token)', path: '/data', token: await sign({ sub: 'proof' }, { scope: 'read:data', wrongType: true }) },
      { name: 'token bound to a DPoP key, sent as Bearer', path: '/data', token: await sign({ sub: 'bound', cnf: { jkt: 'x'.repeat(43) } }, { scope: 'read:data' }) },
      { name: 'Authorization: Basic', path: '/data', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      { name: 'Authorization: Bearer without a token', path: '/data', headers: { authorization: 'Bearer' } },
      { name: 'token in the query string', path: `/data?access_token=${valid}` },
      { name: 'token in a form body', method: 'POST', path: '/form', form: { access_token: valid } },
    ]
  })
  after(async () => {
    await Promise.all(apps.map((app) => app.close()))
    await Promise.all([issuer.stop(), other.stop()])
  })

  test('the table of requests: status and body', async () => {
    const differences: Record<string, Difference> = {
      'token without exp': { why: 'exp is required', before: { status: 200, body: { sub: 'forever' } }, after: { status: 401 } },
      'token expired a second ago': { why: '5 s of clock tolerance by default', before: { status: 401 }, after: { status: 200, body: { sub: 'skewed' } } },
      'token typed as a DPoP proof (not an access token)': { why: 'explicit typing (RFC 8725 §3.11)', before: { status: 200, body: { sub: 'proof' } }, after: { status: 401 } },
      'token bound to a DPoP key, sent as Bearer': { why: 'a sender-constrained token needs its proof', before: { status: 200, body: { sub: 'bound' } }, after: { status: 401 } },
      'Authorization: Bearer without a token': { why: 'a malformed header is a malformed request', before: { status: 401 }, after: { status: 400 } },
    }
    await compareApps(apps[0]!.url, apps[1]!.url, rows, differences, ['status', 'body'])
  })

  test('every refusal carries a WWW-Authenticate challenge in tokenguard (RFC 6750 §3), none with express-jwt', async () => {
    for (const row of rows) {
      const [peer, ours] = [await ask(apps[0]!.url, row), await ask(apps[1]!.url, row)]
      if (peer.status >= 400) assert.equal(peer.error, undefined, `row "${row.name}": express-jwt sends no challenge`)
      if (ours.status === 401 || ours.status === 403 || ours.status === 400) assert.notEqual(ours.error, undefined, `row "${row.name}": tokenguard challenges`)
    }
    const [, ours] = [await ask(apps[0]!.url, rows[3]!), await ask(apps[1]!.url, rows[3]!)]
    assert.deepEqual(ours, { status: 403, error: 'insufficient_scope', scope: 'read:data', body: undefined }, 'the 403 names the scope to ask for')
  })

  test('keys unavailable at a cold start: express-jwt passes jwks-rsa\'s error on (500), tokenguard answers 503 with Retry-After', async () => {
    const down = await createTestIssuer()
    const token = await down.sign({}, { scope: 'read:data' })
    const cold = await Promise.all([listen(beforeApp(down.issuer, down.jwksUri, down.audience as string)), listen(afterApp(down.issuer, down.audience as string))])
    try {
      await down.outage('503')
      const [peer, ours] = await Promise.all(cold.map((app) => fetch(`${app.url}/data`, { headers: { authorization: `Bearer ${token}` } })))
      assert.equal(peer!.status, 500)
      assert.equal(ours!.status, 503)
      assert.ok(Number(ours!.headers.get('retry-after')) >= 1)
    } finally {
      await Promise.all(cold.map((app) => app.close()))
      await down.stop()
    }
  })

  test('startup: audience is required, and express-jwt\'s options are not tokenguard\'s', () => {
    const refuses = (options: Record<string, unknown>, option: string, message: RegExp) =>
      assert.throws(() => authenticate({ issuer: issuer.issuer, allowInsecureHttp: true, ...options } as never), (error: unknown) => isConfigurationError(error) && error.option === option && message.test(error.message))
    assert.doesNotThrow(() => expressjwt({ secret: 'x', algorithms: ['HS256'] }), 'express-jwt checks no audience unless told')
    refuses({}, 'audience', /"audience" is required/)
    refuses({ audience: issuer.audience, secret: jwksRsa.expressJwtSecret({ jwksUri: issuer.jwksUri }) }, 'secret', /"secret" must be at least 32 bytes/)
    refuses({ audience: issuer.audience, credentialsRequired: false }, 'credentialsRequired', /unknown option "credentialsRequired"/)
    refuses({ audience: issuer.audience, requestProperty: 'user' }, 'requestProperty', /unknown option "requestProperty"/)
  })
})
