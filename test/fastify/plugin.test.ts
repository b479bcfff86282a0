/**
 * Fastify behaviour the shared contract table does not cover: route config validation at startup,
 * requireByDefault, decorators, double registration, error handlers, encapsulation, hook order.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import tokenguard, { TokenGuardError } from '@tokenguard/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { assertRefusal } from '../support/challenge.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { signToken } from '../support/local-tokens.js'
import { bearer, localOptions, serve, type Served } from './serve.js'

let key: SigningKey

before(async () => {
  key = await generateSigningKey('ES256')
})

/** Registers the plugin, declares `routes`, and returns the outcome of startup. */
async function startup(routes: (app: FastifyInstance) => void): Promise<void> {
  const app = Fastify({ logger: false })
  try {
    await app.register(tokenguard, localOptions(key))
    routes(app)
    await app.ready()
  } finally {
    await app.close()
  }
}

describe('config.auth is validated at startup', () => {
  for (const [label, value] of [['a string', 'yes'], ['a number', 42], ['true', true], ['null', null], ['an array', ['read:data']]] as const) {
    test(`${label} fails startup`, async () => {
      await assert.rejects(startup((app) => app.get('/x', { config: { auth: value as never } }, async () => 'ok')), /config\.auth of GET \/x must be false or an object/)
    })
  }

  test('a misspelt requirement key fails startup instead of protecting with no requirement', async () => {
    await assert.rejects(startup((app) => app.get('/x', { config: { auth: { scope: ['admin'] } as never } }, async () => 'ok')), TypeError)
  })

  test('an invalid scope name fails startup', async () => {
    await assert.rejects(startup((app) => app.get('/x', { config: { auth: { scopes: ['bad scope'] } } }, async () => 'ok')), /not a valid scope name/)
  })

  test('false, undefined and objects are accepted', async () => {
    await startup((app) => {
      app.get('/a', { config: { auth: false } }, async () => 'ok')
      app.get('/b', async () => 'ok')
      app.get('/c', { config: { auth: { scopes: ['a'], anyScopes: ['b'], optional: true, claims: { t: 'x' } } } }, async () => 'ok')
    })
  })
})

describe('registration', () => {
  test('a second registration in the same context fails', async () => {
    const app = Fastify({ logger: false })
    await app.register(tokenguard, localOptions(key))
    await assert.rejects(async () => app.register(tokenguard, localOptions(key)), /already registered in this context/)
    await app.close()
  })

  test('an existing verifier can be shared, and is exposed as app.tokenguard', async () => {
    const first = Fastify({ logger: false })
    await first.register(tokenguard, localOptions(key))
    const second = Fastify({ logger: false })
    await second.register(tokenguard, { verifier: first.tokenguard })
    assert.equal(second.tokenguard, first.tokenguard)
    await Promise.all([first.close(), second.close()])
  })

  test('an identity provider outage does not stop startup; requests answer 503 with Retry-After', async () => {
    const down = { issuer: 'http://127.0.0.1:9', allowInsecureHttp: true, audience: TEST_AUDIENCE, jwksUri: 'http://127.0.0.1:9/jwks', timeoutDuration: '500ms' as const }
    const served = await serve(down, (app) => void app.get('/x', async () => 'ok'))
    try {
      const response = await fetch(`${served.url}/x`, { headers: bearer(await signToken(key, { iss: down.issuer })) })
      assert.equal(response.status, 503)
      assert.equal(response.headers.get('www-authenticate'), null)
      assert.match(response.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/)
    } finally {
      await served.close()
    }
  })
})

describe('protection and hooks', () => {
  let served: Served
  const userHookSaw: Array<string | null> = []
  const errors: TokenGuardError[] = []

  before(async () => {
    served = await serve(localOptions(key), (app) => {
      app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }))
      app.get('/private', async (request) => ({ sub: request.auth?.claims.sub }))
      app.get('/admin', { onRequest: [app.requireScopes('admin')] }, async () => 'admin')
      app.get('/any', { preHandler: app.requireAnyScope('admin', 'write:data') }, async () => 'any')
      app.get('/tenant', { onRequest: app.requireClaim('tenant', 't-1') }, async () => 'tenant')
      app.get('/hooked', { onRequest: async (request) => void userHookSaw.push(request.auth?.claims.sub ?? null) }, async () => 'hooked')
      app.register(async (child) => {
        child.get('/child', async (request) => ({ sub: request.auth?.claims.sub }))
        child.get('/child-public', { config: { auth: false } }, async () => 'open')
      }, { prefix: '/nested' })
      app.register(async (child) => {
        child.setErrorHandler(async (error: TokenGuardError, _request, reply) => {
          errors.push(error)
          return reply.code(error.statusCode).headers(error.headers).send({ error: error.code })
        })
        child.get('/custom', async () => 'custom')
      })
    })
  })
  after(() => served.close())

  const get = async (path: string, token?: string) => fetch(`${served.url}${path}`, token === undefined ? {} : { headers: bearer(token) })

  test('request.auth is null on a public route, even when a token is sent', async () => {
    assert.deepEqual(await (await get('/public')).json(), { auth: null })
    assert.deepEqual(await (await get('/public', await signToken(key))).json(), { auth: null })
  })

  test('routes without config.auth are protected by default', async () => {
    assertRefusal(await get('/private'), 401, null)
    assert.deepEqual(await (await get('/private', await signToken(key))).json(), { sub: 'client-1' })
  })

  test('app.requireScopes as an onRequest hook', async () => {
    assertRefusal(await get('/admin', await signToken(key)), 403, 'insufficient_scope')
    assert.equal((await get('/admin', await signToken(key, { scope: 'admin' }))).status, 200)
    assertRefusal(await get('/admin'), 401, null)
  })

  test('app.requireAnyScope as a preHandler hook', async () => {
    const refused = assertRefusal(await get('/any', await signToken(key)), 403, 'insufficient_scope')
    assert.equal(refused?.params.scope, 'admin write:data')
    assert.equal((await get('/any', await signToken(key, { scope: 'write:data' }))).status, 200)
  })

  test('app.requireClaim as a hook', async () => {
    assertRefusal(await get('/tenant', await signToken(key, { tenant: 't-2' })), 401, 'invalid_token')
    assert.equal((await get('/tenant', await signToken(key, { tenant: 't-1' }))).status, 200)
  })

  test('the onRequest hook of the route runs after authentication', async () => {
    userHookSaw.length = 0
    assertRefusal(await get('/hooked'), 401, null)
    assert.deepEqual(userHookSaw, [], 'not run for a refused request')
    assert.equal((await get('/hooked', await signToken(key))).status, 200)
    assert.deepEqual(userHookSaw, ['client-1'], 'saw request.auth already set')
  })

  test('routes of an encapsulated child context are protected too', async () => {
    assertRefusal(await get('/nested/child'), 401, null)
    assert.deepEqual(await (await get('/nested/child', await signToken(key))).json(), { sub: 'client-1' })
    assert.equal((await get('/nested/child-public')).status, 200)
  })

  test('a custom error handler receives the refusal (status, headers) and answers', async () => {
    const response = await get('/custom', 'not.a.token')
    const challenge = assertRefusal(response, 401, 'invalid_token')
    assert.equal(challenge?.params.realm, 'api')
    assert.deepEqual(await response.json(), { error: 'invalid_token' })
    const error = errors.at(-1)
    assert.ok(error instanceof TokenGuardError)
    assert.equal(error.statusCode, 401)
    assert.equal(error.reason, 'token_malformed')
    assert.equal(error.headers['WWW-Authenticate'], response.headers.get('www-authenticate'))
  })

  test('the default error handler sends the challenge and no internal detail', async () => {
    const response = await get('/private', 'not.a.token')
    assertRefusal(response, 401, 'invalid_token')
    const body = await response.text()
    assert.doesNotMatch(body, /jose|ERR_J|\bat\s+\S+\s+\(/)
  })
})

test('an app-level error handler receives every refusal (status, headers) and answers', async () => {
  const seen: TokenGuardError[] = []
  const served = await serve(localOptions(key), (app) => {
    app.setErrorHandler(async (error: TokenGuardError, _request, reply) => {
      seen.push(error)
      return reply.code(error.statusCode).headers(error.headers).send({ error: error.code })
    })
    app.get('/scoped', { config: { auth: { scopes: ['admin'] } } }, async () => 'ok')
  })
  try {
    const missing = await fetch(`${served.url}/scoped`)
    assertRefusal(missing, 401, null)
    assert.deepEqual(await missing.json(), { error: 'missing_token' })
    const scoped = await fetch(`${served.url}/scoped`, { headers: bearer(await signToken(key)) })
    assert.equal(assertRefusal(scoped, 403, 'insufficient_scope')?.params.scope, 'admin')
    assert.deepEqual(seen.map((error) => [error.statusCode, error.reason, typeof error.headers['WWW-Authenticate']]), [
      [401, 'missing_token', 'string'],
      [403, 'insufficient_scope', 'string'],
    ])
  } finally {
    await served.close()
  }
})

describe('requireByDefault: false', () => {
  let served: Served

  before(async () => {
    served = await serve(localOptions(key, { requireByDefault: false }), (app) => {
      app.get('/open', async (request) => ({ auth: request.auth }))
      app.get('/closed', { config: { auth: {} } }, async (request) => ({ sub: request.auth?.claims.sub }))
      app.get('/scoped', { config: { auth: { scopes: ['admin'] } } }, async () => 'scoped')
      app.get('/decorated', { onRequest: app.requireScopes('read:data') }, async (request) => ({ sub: request.auth?.claims.sub }))
    })
  })
  after(() => served.close())

  test('routes without config.auth are public, with request.auth null', async () => {
    const response = await fetch(`${served.url}/open`)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { auth: null })
  })

  test('routes with config.auth are still protected', async () => {
    assertRefusal(await fetch(`${served.url}/closed`), 401, null)
    assert.equal((await fetch(`${served.url}/closed`, { headers: bearer(await signToken(key)) })).status, 200)
    assertRefusal(await fetch(`${served.url}/scoped`, { headers: bearer(await signToken(key)) }), 403, 'insufficient_scope')
  })

  test('a decorator hook alone protects a route: it authenticates, then applies its requirement', async () => {
    assertRefusal(await fetch(`${served.url}/decorated`), 401, null)
    assertRefusal(await fetch(`${served.url}/decorated`, { headers: bearer('not.a.token') }), 401, 'invalid_token')
    assertRefusal(await fetch(`${served.url}/decorated`, { headers: bearer(await signToken(key, { scope: 'other' })) }), 403, 'insufficient_scope')
    const ok = await fetch(`${served.url}/decorated`, { headers: bearer(await signToken(key)) })
    assert.deepEqual(await ok.json(), { sub: 'client-1' }, 'request.auth is set for the handler')
  })
})

describe('decorators validate at declaration', () => {
  let app: FastifyInstance

  before(async () => {
    app = Fastify({ logger: false })
    await app.register(tokenguard, localOptions(key))
  })
  after(() => app.close())

  test('invalid scope names throw', () => {
    assert.throws(() => app.requireScopes('bad scope'), /not a valid scope name/)
    assert.throws(() => app.requireAnyScope('ok', 'say"hi'), /not a valid scope name/)
    assert.throws(() => app.requireClaim('tenant', {} as never), TypeError)
  })

  test('requireAnyScope() with no scopes throws (as in the Express adapter)', () => {
    assert.throws(() => app.requireAnyScope(), TypeError)
  })
})
