/**
 * Express behaviour the shared contract table does not cover: error handlers (custom and default), guards
 * on their own, and declaration-time validation. Real apps on 127.0.0.1, Express 5 and Express 4.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { authenticate, requireAnyScope, requireClaim, requireScopes, TokenGuardError, type AuthenticateMiddleware } from '@tokenguard/express'
import express, { type ErrorRequestHandler } from 'express'
import express4 from 'express4'
import { assertRefusal, parseChallenge } from '../support/challenge.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

let key: SigningKey

before(async () => {
  key = await generateSigningKey('ES256')
})

async function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1') as Server
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const localAuth = (extra: object = {}): AuthenticateMiddleware =>
  authenticate({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api', ...extra })

for (const [name, create] of [['express5', () => express()], ['express4', () => express4() as unknown as express.Express]] as const) {
  describe(`${name}: a custom error handler`, () => {
    const seen: unknown[] = []
    let app: { url: string; close: () => Promise<void> }

    before(async () => {
      const auth = localAuth({ errorHandling: 'next' })
      const server = create()
      server.get('/read', auth, requireScopes('read:data'), (_req, res) => void res.json({ ok: true }))
      server.get('/write', auth, requireScopes('write:data'), (_req, res) => void res.json({ ok: true }))
      server.get('/status-only', auth, (_req, res) => void res.json({ ok: true }))
      const json: ErrorRequestHandler = (error, req, res, next) => {
        if (req.path === '/status-only') return void res.status((error as TokenGuardError).status).send('refused')
        seen.push(error)
        if (!(error instanceof TokenGuardError)) return next(error)
        res.status(error.status).set(error.headers).json({ error: error.code, reason: error.reason })
      }
      server.use(json)
      app = await listen(server)
    })
    after(() => app.close())

    test('receives the refusal with status and headers, and answers JSON', async () => {
      const response = await fetch(`${app.url}/read`)
      assertRefusal(response, 401, null)
      assert.deepEqual(await response.json(), { error: 'missing_token', reason: 'missing_token' })
      const error = seen.at(-1) as TokenGuardError
      assert.ok(error instanceof TokenGuardError)
      assert.equal(error.status, 401)
      assert.equal(error.headers['WWW-Authenticate'], 'Bearer realm="api"')
    })

    test('a guard refusal reaches it too, with the scope challenge', async () => {
      const response = await fetch(`${app.url}/write`, { headers: bearer(await signToken(key)) })
      const challenge = assertRefusal(response, 403, 'insufficient_scope')
      assert.equal(challenge?.params.scope, 'write:data')
      assert.equal(challenge?.params.realm, 'api', 'the guard reuses the realm of authenticate()')
      assert.equal(((await response.json()) as { error: string }).error, 'insufficient_scope')
    })

    test('a handler that only sets the status still sends the challenge', async () => {
      const response = await fetch(`${app.url}/status-only`, { headers: bearer('not.a.token') })
      assertRefusal(response, 401, 'invalid_token')
      assert.equal(await response.text(), 'refused')
    })

    test('a valid token passes both middleware and guard', async () => {
      const response = await fetch(`${app.url}/read`, { headers: bearer(await signToken(key)) })
      assert.equal(response.status, 200)
    })
  })

  describe(`${name}: the default error handler`, () => {
    let app: { url: string; close: () => Promise<void> }

    before(async () => {
      const server = create()
      server.set('env', 'test') // shows err.stack in the body, without logging it
      server.get('/data', localAuth(), (_req, res) => void res.json({ ok: true }))
      const down = authenticate({ issuer: 'http://127.0.0.1:9', allowInsecureHttp: true, audience: TEST_AUDIENCE, jwksUri: 'http://127.0.0.1:9/jwks', timeoutDuration: '500ms', logger: false })
      server.get('/down', down, (_req, res) => void res.json({ ok: true }))
      server.get('/guard-only', requireScopes('read:data'), (_req, res) => void res.json({ ok: true }))
      server.get('/optional-guarded', localAuth({ optional: true }), requireClaim('tenant', 't'), (_req, res) => void res.json({ ok: true }))
      app = await listen(server)
    })
    after(() => app.close())

    test('answers with the status and the challenge header, a JSON body, and no stack frames', async () => {
      const response = await fetch(`${app.url}/data`, { headers: bearer('not.a.token') })
      const challenge = assertRefusal(response, 401, 'invalid_token')
      assert.equal(challenge?.params.realm, 'api')
      const body = await response.text()
      assert.deepEqual(JSON.parse(body), { error: 'invalid_token', error_description: 'The access token is invalid' })
      assert.doesNotMatch(body, /\bat\s+\S+\s+\(|node:internal|\.js:\d+/, 'no stack frames')
    })

    test('503 with Retry-After and no challenge when keys cannot be had', async () => {
      const response = await fetch(`${app.url}/down`, { headers: bearer(await signToken(key, { iss: 'http://127.0.0.1:9' })) })
      assert.equal(response.status, 503)
      assert.equal(response.headers.get('www-authenticate'), null)
      assert.match(response.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/)
    })

    test('issue 11 case 5: a guard without authenticate() before it is a 500 naming the missing authenticate(), never a pass', async () => {
      const response = await fetch(`${app.url}/guard-only`, { headers: bearer(await signToken(key)) })
      assert.equal(response.status, 500)
      assert.equal(response.headers.get('www-authenticate'), null)
      assert.deepEqual(await response.json(), { error: 'server_error', error_description: 'The server cannot check access tokens on this route' })
    })

    test('a guard after an optional authenticate() refuses the anonymous request', async () => {
      const response = await fetch(`${app.url}/optional-guarded`)
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).params.realm, 'api')
      assertRefusal(response, 401, null)
      const ok = await fetch(`${app.url}/optional-guarded`, { headers: bearer(await signToken(key, { tenant: 't' })) })
      assert.equal(ok.status, 200)
    })
  })
}

describe('onError', () => {
  test('sees every refusal with its reason, and its exceptions do not change the answer', async () => {
    const reasons: string[] = []
    const server = express()
    server.set('env', 'test')
    const onError = (error: TokenGuardError) => {
      reasons.push(error.reason)
      throw new Error('a broken logger')
    }
    server.get('/data', localAuth({ onError }), requireScopes('admin'), (_req, res) => void res.json({ ok: true }))
    const app = await listen(server)
    try {
      assertRefusal(await fetch(`${app.url}/data`), 401, null)
      assertRefusal(await fetch(`${app.url}/data`, { headers: bearer(await signToken(key)) }), 403, 'insufficient_scope')
      assert.deepEqual(reasons, ['missing_token', 'insufficient_scope'])
    } finally {
      await app.close()
    }
  })
})

describe('guards validate at declaration', () => {
  test('requireAnyScope() with no scopes throws', () => {
    assert.throws(() => requireAnyScope(), /requireAnyScope needs at least one scope/)
  })

  test('invalid scope names throw', () => {
    for (const bad of ['read data', 'say"hi', 'back\\slash', '']) {
      assert.throws(() => requireScopes(bad), /not a valid scope name/, JSON.stringify(bad))
      assert.throws(() => requireAnyScope('ok', bad), /not a valid scope name/, JSON.stringify(bad))
    }
  })

  test('requireClaim with a check that is neither a value nor a function throws', () => {
    assert.throws(() => requireClaim('tenant', { a: 1 } as unknown as string), TypeError)
    assert.throws(() => requireClaim('tenant', undefined as unknown as string), TypeError)
  })

  test('authenticate() validates its options at once', () => {
    assert.throws(() => authenticate({ issuer: LOCAL_ISSUER, audience: '' }), /"audience" is required/)
    assert.throws(() => localAuth({ scopes: ['bad scope'] }), /not a valid scope name/)
  })

  test('guards and middleware carry names for stack traces and debugging', () => {
    assert.equal(requireScopes('a').name, 'tokenguardRequireScopes')
    assert.equal(requireAnyScope('a').name, 'tokenguardRequireAnyScope')
    assert.equal(requireClaim('a', 'b').name, 'tokenguardRequireClaim')
    assert.equal(localAuth().name, 'tokenguardAuthenticate')
    assert.equal(typeof localAuth().verifier.verify, 'function')
  })
})
