/**
 * Issue 17 item 3, in every adapter, over real HTTP: `requireClaim('scope', includes('admin'))` (a word
 * of a space-delimited string claim, express-oauth2-jwt-bearer's `claimIncludes`) and an asynchronous
 * claim predicate (a tenant directory): accepted 200, refused 401, directory down 503 with Retry-After.
 * Express 5 and 4 and Hono use the guards, Fastify both `config.auth.claims` and the `requireClaim`
 * decorator, NestJS (Express and Fastify platforms) `@Claim()`, the fetch adapter and the node:http example
 * adapter a route requirement.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import { Controller, Get, type DynamicModule } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { createVerifier, includes, type ClaimPredicate, type Verifier } from '@tokenguard/core'
import { authenticate, includes as expressIncludes, requireClaim } from '@tokenguard/express'
import tokenguard, { includes as fastifyIncludes } from '@tokenguard/fastify'
import { includes as fetchIncludes, protect as protectFetch } from '@tokenguard/fetch'
import { includes as honoIncludes, requireClaim as honoRequireClaim, tokenguard as honoTokenguard } from '@tokenguard/hono'
import { Claim, includes as nestIncludes, TokenguardModule } from '@tokenguard/nestjs'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express from 'express'
import express4 from 'express4'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { protect } from '../../examples/node-http-adapter.js'
import { serveFetch } from '../support/fetch-server.js'

let issuer: TestIssuer
before(async () => {
  issuer = await createTestIssuer()
})
after(() => issuer.stop())

const directory = { down: false }
const knownTenant: ClaimPredicate = async (value) => {
  await new Promise((resolve) => setImmediate(resolve))
  if (directory.down) throw new Error('directory unreachable')
  return value === 'acme'
}

interface App {
  url: string
  close(): Promise<void>
}

type Start = (verifier: Verifier) => Promise<App>

const listening = async (server: Server, close?: () => Promise<unknown>): Promise<App> => {
  if (!server.listening) await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      if (close) await close()
      else await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const expressApp = (create: () => express.Express): Start => async (verifier) => {
  const app = create()
  app.set('env', 'test')
  const auth = authenticate({ verifier, logger: false })
  app.get('/admin', auth, requireClaim('scope', expressIncludes('admin')), (_req, res) => void res.json({ ok: true }))
  app.get('/tenant', auth, requireClaim('tenant', knownTenant), (_req, res) => void res.json({ ok: true }))
  return listening(app.listen(0, '127.0.0.1') as Server)
}

@Controller()
class ClaimsController {
  @Claim('scope', nestIncludes('admin'))
  @Get('admin')
  admin() {
    return { ok: true }
  }

  @Claim('tenant', knownTenant)
  @Get('tenant')
  tenant() {
    return { ok: true }
  }
}

const nestApp = (platform: 'express' | 'fastify'): Start => async (verifier) => {
  class ClaimsModule {}
  const module: DynamicModule = { module: ClaimsModule, imports: [TokenguardModule.forRoot({ verifier, onError: () => undefined, warmup: 'off' })], controllers: [ClaimsController] }
  const app = platform === 'fastify' ? await NestFactory.create(module, new FastifyAdapter(), { logger: false }) : await NestFactory.create(module, { logger: false })
  await app.listen(0, '127.0.0.1')
  return listening(app.getHttpServer() as Server, () => app.close())
}

const ADAPTERS: ReadonlyArray<{ name: string; start: Start }> = [
  { name: 'express5', start: expressApp(() => express()) },
  { name: 'express4', start: expressApp(() => express4() as unknown as express.Express) },
  {
    name: 'fastify (config.auth.claims)',
    async start(verifier) {
      const app = Fastify({ logger: false })
      await app.register(tokenguard, { verifier, warmup: 'off' })
      app.get('/admin', { config: { auth: { claims: { scope: fastifyIncludes('admin') } } } }, async () => ({ ok: true }))
      app.get('/tenant', { config: { auth: { claims: { tenant: knownTenant } } } }, async () => ({ ok: true }))
      await app.listen({ port: 0, host: '127.0.0.1' })
      return listening(app.server, () => app.close())
    },
  },
  {
    name: 'fastify (requireClaim decorator)',
    async start(verifier) {
      const app = Fastify({ logger: false })
      await app.register(tokenguard, { verifier, warmup: 'off' })
      app.get('/admin', { onRequest: app.requireClaim('scope', fastifyIncludes('admin')) }, async () => ({ ok: true }))
      app.get('/tenant', { onRequest: app.requireClaim('tenant', knownTenant) }, async () => ({ ok: true }))
      await app.listen({ port: 0, host: '127.0.0.1' })
      return listening(app.server, () => app.close())
    },
  },
  {
    name: 'hono',
    async start(verifier) {
      const app = new Hono()
      const auth = honoTokenguard({ verifier, onError: () => undefined })
      app.get('/admin', auth, honoRequireClaim('scope', honoIncludes('admin')), (c) => c.json({ ok: true }))
      app.get('/tenant', auth, honoRequireClaim('tenant', knownTenant), (c) => c.json({ ok: true }))
      return listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server)
    },
  },
  { name: 'nestjs-express', start: nestApp('express') },
  { name: 'nestjs-fastify', start: nestApp('fastify') },
  {
    name: 'fetch',
    async start(verifier) {
      const ok = async () => Response.json({ ok: true })
      const routes = new Map([
        ['/admin', protectFetch({ verifier, onError: () => undefined, route: '/admin' }, { claims: { scope: fetchIncludes('admin') } }, ok)],
        ['/tenant', protectFetch({ verifier, onError: () => undefined, route: '/tenant' }, { claims: { tenant: knownTenant } }, ok)],
      ])
      return listening(await serveFetch(async (request) => (routes.get(new URL(request.url).pathname) ?? (async () => new Response('not found', { status: 404 })))(request)))
    },
  },
  {
    name: 'node-http',
    async start(verifier) {
      const ok = (_req: unknown, res: import('node:http').ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      const routes: Record<string, ReturnType<typeof protect>> = {
        '/admin': protect(verifier, verifier.requirement({ claims: { scope: includes('admin') } }), ok),
        '/tenant': protect(verifier, verifier.requirement({ claims: { tenant: knownTenant } }), ok),
      }
      const server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => void r.writeHead(404).end()))(req, res))
      server.listen(0, '127.0.0.1')
      return listening(server)
    },
  },
]

const get = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } })

for (const adapter of ADAPTERS) {
  describe(`issue 17 item 3: claim checks in ${adapter.name}`, () => {
    let app: App
    before(async () => {
      app = await adapter.start(createVerifier({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true }))
    })
    after(() => app.close())

    test('includes("admin") accepts a scope string holding the word, refuses one without it or with a longer word', async () => {
      for (const [scope, status] of [['read admin', 200], ['admin', 200], ['read', 401], ['administrators', 401], ['read  write', 401]] as const) {
        const response = await get(`${app.url}/admin`, await issuer.sign({}, { scope }))
        assert.equal(response.status, status, `scope ${JSON.stringify(scope)}`)
        if (status === 401) assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
      }
      assert.equal((await get(`${app.url}/admin`, await issuer.sign({ scope: ['read', 'admin'] }))).status, 200, 'an array claim holding the member')
    })

    test('an async predicate: known tenant 200 (twice: the cached token too), unknown 401, directory down 503 with Retry-After', async () => {
      const token = await issuer.sign({ tenant: 'acme' })
      assert.equal((await get(`${app.url}/tenant`, token)).status, 200)
      assert.equal((await get(`${app.url}/tenant`, token)).status, 200)
      assert.equal((await get(`${app.url}/tenant`, await issuer.sign({ tenant: 'globex' }))).status, 401)
      directory.down = true
      try {
        const response = await get(`${app.url}/tenant`, token)
        assert.equal(response.status, 503)
        assert.equal(response.headers.get('retry-after'), '1')
        assert.equal(response.headers.get('www-authenticate'), null)
      } finally {
        directory.down = false
      }
    })
  })
}

test('includes() refuses what can never match, at route declaration', () => {
  assert.throws(() => includes(), /needs at least one member/)
  assert.throws(() => includes(''), /non-empty strings/)
  assert.throws(() => includes({} as unknown as string), /non-empty strings, numbers or booleans/)
  assert.equal(includes('a', 'b').name, 'includes("a", "b")')
})
