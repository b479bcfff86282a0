/**
 * `auth.protect(requirement)` (issue 18): one middleware for authentication and the route's requirement must
 * decide exactly as `authenticate()` followed by guards — same status, challenge and body for every case —
 * with the authenticate() options optional, with a requirement of their own, or neither; guards after it
 * still apply; mistakes are refused at startup. Real apps on 127.0.0.1, Express 5 and Express 4.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { authenticate, requireAnyScope, requireClaim, requireScopes, type AuthenticateMiddleware } from '@tokenguard/express'
import express, { type RequestHandler } from 'express'
import express4 from 'express4'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'

let key: SigningKey
let tokens: Record<string, string | undefined>

before(async () => {
  key = await generateSigningKey('ES256')
  const good = await signToken(key, { scope: 'read:data', tenant: 'acme' })
  tokens = {
    'no token': undefined,
    'good token': good,
    'good token, again (a cache hit)': good,
    'good token, third time (a cache hit)': good,
    'missing scope': await signToken(key, { scope: 'write:data', tenant: 'acme' }),
    'other tenant': await signToken(key, { scope: 'read:data', tenant: 'globex' }),
    'admin scope too': await signToken(key, { scope: 'read:data admin', tenant: 'acme' }),
    'wrong audience': await signToken(key, { aud: 'https://other.example' }),
    expired: await signToken(key, { exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 }),
    'not a JWT': 'abc.def',
  }
})

const localAuth = (extra: object = {}): AuthenticateMiddleware =>
  authenticate({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api', logger: false, ...extra })

/** Pairs of routes that must answer alike: [composed with guards, protect()]. */
function routes(): Array<[name: string, composed: RequestHandler[], protect: RequestHandler[]]> {
  const plain = localAuth()
  const optional = localAuth({ optional: true })
  const scoped = localAuth({ scopes: ['read:data'] })
  return [
    ['scopes and a claim', [plain, requireScopes('read:data'), requireClaim('tenant', 'acme')], [plain.protect({ scopes: ['read:data'], claims: { tenant: 'acme' } })]],
    ['any scope', [plain, requireAnyScope('admin', 'read:data')], [plain.protect({ anyScopes: ['admin', 'read:data'] })]],
    ['optional authenticate()', [optional, requireScopes('read:data')], [optional.protect({ scopes: ['read:data'] })]],
    ['authenticate() with scopes of its own', [scoped, requireClaim('tenant', 'acme')], [scoped.protect({ claims: { tenant: 'acme' } })]],
    ['a guard after protect()', [plain, requireScopes('read:data'), requireScopes('admin')], [plain.protect({ scopes: ['read:data'] }), requireScopes('admin')]],
  ]
}

interface Answer {
  status: number
  challenge: string | null
  body: string
}

async function ask(url: string, token: string | undefined): Promise<Answer> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() }
}

for (const [name, create] of [['express5', () => express()], ['express4', () => express4() as unknown as express.Express]] as const) {
  describe(`${name}: auth.protect() decides as authenticate() + guards`, () => {
    let server: Server
    let base: string
    const pairs = () => routes()
    let names: string[] = []

    before(async () => {
      const app = create()
      const handler: RequestHandler = (req, res) => void res.json({ sub: req.auth?.claims.sub ?? null })
      names = []
      pairs().forEach(([pair, composed, protect], index) => {
        names.push(pair)
        app.get(`/composed/${index}`, ...composed, handler)
        app.get(`/protect/${index}`, ...protect, handler)
      })
      server = app.listen(0, '127.0.0.1') as Server
      await once(server, 'listening')
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    after(() => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }))

    test('every case answers the same on both routes of every pair', async () => {
      const statuses = new Set<number>()
      for (const [index, pair] of names.entries()) {
        for (const [label, token] of Object.entries(tokens)) {
          const composed = await ask(`${base}/composed/${index}`, token)
          const protect = await ask(`${base}/protect/${index}`, token)
          assert.deepEqual(protect, composed, `${pair}, ${label}`)
          statuses.add(composed.status)
        }
      }
      assert.deepEqual([...statuses].sort(), [200, 401, 403], 'the table covers acceptance and both kinds of refusal')
    })

    test('a good token passes with req.auth set; a missing scope is 403 naming it', async () => {
      const accepted = await ask(`${base}/protect/0`, tokens['good token'])
      assert.equal(accepted.status, 200)
      assert.deepEqual(JSON.parse(accepted.body), { sub: 'client-1' })
      const refused = await ask(`${base}/protect/0`, tokens['missing scope'])
      assert.equal(refused.status, 403)
      assert.match(refused.challenge ?? '', /insufficient_scope/)
      assert.match(refused.challenge ?? '', /scope="read:data"/)
    })

    // On Node 20 and 22 each property added to an Express req builds a new V8 map (docs/performance.md): the
    // middleware adds the one its API promises, and keeps the rest beside the request.
    test('an accepted request gains req.auth and no other property, with authenticate() + guard and with protect()', async () => {
      const auth = localAuth()
      const added: string[][] = []
      let before: Array<string | symbol> = []
      const app = create()
      const snapshot: RequestHandler = (req, _res, next) => {
        before = Reflect.ownKeys(req)
        next()
      }
      const record: RequestHandler = (req, res) => {
        added.push(Reflect.ownKeys(req).filter((key) => !before.includes(key)).map(String))
        res.json({ ok: true })
      }
      app.get('/composed', snapshot, auth, requireScopes('read:data'), record)
      app.get('/protect', snapshot, auth.protect({ scopes: ['read:data'] }), record)
      const running = app.listen(0, '127.0.0.1') as Server
      await once(running, 'listening')
      const url = `http://127.0.0.1:${(running.address() as AddressInfo).port}`
      try {
        for (let round = 0; round < 3; round++) for (const path of ['/composed', '/protect']) assert.equal((await ask(`${url}${path}`, tokens['good token'])).status, 200)
      } finally {
        running.closeAllConnections()
        running.close()
      }
      assert.deepEqual(added, Array.from({ length: 6 }, () => ['auth']))
    })
  })
}

describe('auth.protect(): mistakes are refused at startup', () => {
  test('"optional" belongs in the authenticate() options', () => {
    assert.throws(() => localAuth().protect({ optional: true } as never), /"optional" belongs in the authenticate\(\) options/)
  })

  test('a misspelt requirement key or a string for a list is a TypeError', () => {
    assert.throws(() => localAuth().protect({ scope: ['read:data'] } as never), TypeError)
    assert.throws(() => localAuth().protect({ scopes: 'read:data' } as never), TypeError)
    assert.throws(() => localAuth().protect(null as never), TypeError)
  })

  test('the middleware is named for stack traces', () => {
    assert.equal(localAuth().protect({ scopes: ['read:data'] }).name, 'tokenguardProtect')
    assert.equal(localAuth().name, 'tokenguardAuthenticate')
  })
})
