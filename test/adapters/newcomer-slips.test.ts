/**
 * Newcomer slips found by trying the packed packages in a fresh plain-JavaScript app (review of 2026-12-01),
 * beyond Express's uncalled factories (test/express/uncalled-factories.test.ts): each fails closed, at
 * startup where the framework lets it, with a message naming the form that works.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { authenticateRequest, protect } from '@tokenguard/fetch'
import tokenguardPlugin from '@tokenguard/fastify'
import { requireClaim, tokenguard } from '@tokenguard/hono'
import { AnyScope, Claim, Scopes, TokenguardModule } from '@tokenguard/nestjs'
import { Controller, Get, Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import Fastify, { type onRequestHookHandler } from 'fastify'
import { Hono, type MiddlewareHandler } from 'hono'
import { generateSigningKey, TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

const key = await generateSigningKey('ES256')
const options = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] } }

describe('Fastify', () => {
  for (const name of ['requireScopes', 'requireAnyScope', 'requireClaim'] as const) {
    for (const phase of ['onRequest', 'preHandler'] as const) {
      test(`{ ${phase}: app.${name} } uncalled fails at startup, naming the call`, async () => {
        const app = Fastify({ logger: false })
        await app.register(tokenguardPlugin, options)
        assert.throws(() => app.get('/admin', { [phase]: app[name] as unknown as onRequestHookHandler }, async () => 'open'), (error: Error) => {
          assert.match(error.message, new RegExp(`${phase} of GET /admin is app\\.${name} itself, uncalled: mount the hook it returns, e\\.g\\. \\{ ${phase}: app\\.${name}\\('`))
          return true
        })
        await app.close()
      })
    }
  }

  test('an uncalled factory inside a hook list is found too; called decorators still work', async () => {
    const app = Fastify({ logger: false })
    await app.register(tokenguardPlugin, options)
    assert.throws(() => app.get('/a', { onRequest: [app.requireScopes('read:data'), app.requireScopes as unknown as onRequestHookHandler] }, async () => 'open'), /app\.requireScopes itself, uncalled/)
    app.get('/b', { onRequest: [app.requireScopes('read:data')] }, async () => 'ok')
    const token = await signToken(key, { scope: 'read:data' })
    assert.equal((await app.inject({ url: '/b', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
    assert.equal((await app.inject({ url: '/b' })).statusCode, 401)
    await app.close()
  })

  test('the plugin called as a function, app.register(tokenguard(options)), fails registration naming register()', async () => {
    const app = Fastify({ logger: false })
    const call = tokenguardPlugin as unknown as (options: unknown) => Promise<void>
    app.register(call(options) as never)
    app.get('/data', async () => 'open')
    await assert.rejects(async () => void (await app.ready()), /the Fastify plugin was called as a function: register it instead, await app\.register\(tokenguard, \{ issuer, audience \}\)/)
    await app.close().catch(() => undefined)
  })
})

describe('Hono', () => {
  test('requireClaim mounted uncalled throws naming the call (it used to return the guard as the response)', async () => {
    const app = new Hono()
    const errors: string[] = []
    app.onError((error, c) => (errors.push(error.message), c.json({ error: 'server_error' }, 500)))
    app.use('/api/*', tokenguard({ ...options, logger: false }))
    app.get('/api/data', requireClaim as unknown as MiddlewareHandler, (c) => c.json({ open: true }))
    const token = await signToken(key)
    const response = await app.fetch(new Request('http://127.0.0.1/api/data', { headers: { authorization: `Bearer ${token}` } }))
    assert.equal(response.status, 500)
    assert.deepEqual(await response.json(), { error: 'server_error' })
    assert.match(errors[0] ?? '', /requireClaim\(\) needs a claim name \(a non-empty string\) first, got object \(used without its parentheses or mounted uncalled\? write requireClaim\('client_id', 'orders-worker'\)\)/)
  })

  test('tokenguard mounted uncalled names tokenguard(), not Express\'s authenticate()', async () => {
    const app = new Hono()
    const errors: string[] = []
    app.onError((error, c) => (errors.push(error.message), c.json({ error: 'server_error' }, 500)))
    app.use('/api/*', tokenguard as unknown as MiddlewareHandler)
    app.get('/api/data', (c) => c.json({ open: true }))
    const response = await app.fetch(new Request('http://127.0.0.1/api/data'))
    assert.equal(response.status, 500)
    assert.match(errors[0] ?? '', /tokenguard\(\) options received a request object: .* e\.g\. app\.use\(tokenguard\(\{ issuer, audience \}\)\)/)
  })
})

describe('fetch: authenticateRequest(verifier, request, requirement?)', () => {
  const verifier = createVerifier(options)
  const request = new Request('http://127.0.0.1/data')
  test('options instead of a verifier: a TypeError naming createVerifier()', async () => {
    await assert.rejects(authenticateRequest(options as never, request), /needs a Verifier first: create it once, at startup, with createVerifier\(options\)/)
  })
  test('arguments swapped: a TypeError naming the order', async () => {
    await assert.rejects(authenticateRequest(request as never, verifier as never), /authenticateRequest\(verifier, request, requirement\?\) needs a Verifier first/)
  })
  test('no request: a TypeError naming it', async () => {
    await assert.rejects(authenticateRequest(verifier, undefined as never), /needs a Fetch API Request second/)
  })
})

describe('fetch: protect(options, requirement, handler)', () => {
  test('protect itself mounted as the handler (export default { fetch: protect }) names the call to make', () => {
    const mounted = protect as unknown as (request: Request, env: unknown, context: unknown) => unknown
    assert.throws(() => mounted(new Request('http://127.0.0.1/data'), {}, {}), /protect received a request: it was mounted as the handler itself\. Call it once, at startup, and mount what it returns: export default \{ fetch: protect\(options, requirement, handler\) \}/)
  })
})

describe('NestJS', () => {
  async function boot(imports: unknown[], decorate?: (prototype: object, descriptor: PropertyDescriptor) => void) {
    class DataController {
      data() {
        return { open: true }
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(DataController.prototype, 'data')!
    decorate?.(DataController.prototype, descriptor)
    Get('data')(DataController.prototype, 'data', descriptor)
    Controller()(DataController)
    class AppModule {}
    Module({ imports: imports as never, controllers: [DataController] })(AppModule)
    return NestFactory.create(AppModule, { logger: false, abortOnError: false })
  }

  test('imports: [TokenguardModule] without forRoot() fails bootstrap (it used to leave every route open)', async () => {
    await assert.rejects(boot([TokenguardModule]), /TokenguardModule was imported without forRoot\(\): no guard would run and every route would be open\. Import TokenguardModule\.forRoot\(\{ issuer, audience \}\) instead/)
  })

  test('forRoot() still guards every route', async () => {
    const app = await boot([TokenguardModule.forRoot({ ...options, logger: false })], (prototype, descriptor) => Scopes('read:data')(prototype, 'data', descriptor))
    await app.listen(0, '127.0.0.1')
    try {
      const url = await app.getUrl()
      assert.equal((await fetch(`${url}/data`)).status, 401)
      assert.equal((await fetch(`${url}/data`, { headers: { authorization: `Bearer ${await signToken(key)}` } })).status, 200)
    } finally {
      await app.close()
    }
  })

  // In plain JavaScript (or with a decorator written without parentheses) the factory gets the target.
  for (const [name, factory] of [['Scopes', Scopes], ['AnyScope', AnyScope]] as const) {
    test(`@${name} without parentheses throws at declaration, naming @Scopes('read:data')`, () => {
      class C {
        handler() {}
      }
      const call = factory as unknown as (...args: unknown[]) => unknown
      assert.throws(() => call(C.prototype, 'handler', Object.getOwnPropertyDescriptor(C.prototype, 'handler')), /an object is not a valid scope name \(a decorator used without its parentheses\? write @Scopes\('read:data'\)\)/)
      assert.throws(() => call(C), /a function is not a valid scope name \(a decorator used without its parentheses\?/, 'on a class')
    })
  }

  test('@Claim without parentheses throws at declaration (its check used to be dropped silently)', () => {
    class C {
      handler() {}
    }
    const call = Claim as unknown as (...args: unknown[]) => unknown
    assert.throws(() => call(C.prototype, 'handler', Object.getOwnPropertyDescriptor(C.prototype, 'handler')), /@Claim\(\) needs a claim name \(a non-empty string\) first, got object \(used without its parentheses or mounted uncalled\? write @Claim\('client_id', 'orders-worker'\)\)/)
    assert.throws(() => call(C), /@Claim\(\) needs a claim name \(a non-empty string\) first, got function/)
  })

  test('@Claim with a non-string name is refused (it used to be dropped silently)', () => {
    assert.throws(() => Claim(42 as never, 'x'), /@Claim\(\) needs a claim name \(a non-empty string\) first, got number/)
    assert.throws(() => Claim('', 'x'), /needs a claim name/)
  })
})
