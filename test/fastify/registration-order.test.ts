/**
 * Issue 11 case 1: whatever the order of registration, no Fastify route is served without a token by accident.
 * Each app below declares routes in one of the orders that used to be open, and is asked over real HTTP.
 */
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { before, describe, test } from 'node:test'
import tokenguard from '@tokenguard/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { generateSigningKey, type SigningKey } from '../support/key-server.js'
import { signToken } from '../support/local-tokens.js'
import { bearer, localOptions } from './serve.js'

let key: SigningKey

before(async () => {
  key = await generateSigningKey('ES256')
})

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

const orders: Array<[name: string, declare: (app: FastifyInstance) => void]> = [
  ['a route registered before the plugin', (app) => {
    app.get('/x', async () => 'open')
    app.register(tokenguard, localOptions(key))
  }],
  ['a routes plugin registered before the plugin', (app) => {
    app.register(async (child) => void child.get('/x', async () => 'open'))
    app.register(tokenguard, localOptions(key))
  }],
  ['a route added right after a register() that was not awaited', (app) => {
    app.register(tokenguard, localOptions(key))
    app.get('/x', async () => 'open')
  }],
  ['an encapsulated child plugin registered after the plugin', (app) => {
    app.register(tokenguard, localOptions(key))
    app.register(async (child) => void child.register(async (grandchild) => void grandchild.get('/x', async () => 'open')))
  }],
  ['an all() route registered before the plugin', (app) => {
    app.all('/x', async () => 'open')
    app.register(tokenguard, localOptions(key))
  }],
]

describe('issue 11 case 1: every registration order protects the route', () => {
  for (const [name, declare] of orders) {
    test(name, async () => {
      const app = Fastify({ logger: false })
      declare(app)
      const url = await listen(app)
      try {
        for (const method of ['GET', 'HEAD']) {
          const anonymous = await fetch(`${url}/x`, { method })
          assert.equal(anonymous.status, 401, `${method} without a token`)
          assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/)
        }
        const ok = await fetch(`${url}/x`, { headers: bearer(await signToken(key)) })
        assert.equal(ok.status, 200)
      } finally {
        await app.close()
      }
    })
  }

  test('a route the plugin did not see keeps its config.auth: false (public) and its scopes', async () => {
    const app = Fastify({ logger: false })
    app.get('/public', { config: { auth: false } }, async () => 'public')
    app.get('/admin', { config: { auth: { scopes: ['admin'] } } }, async () => 'admin')
    app.register(tokenguard, localOptions(key))
    const url = await listen(app)
    try {
      assert.equal((await fetch(`${url}/public`)).status, 200)
      assert.equal((await fetch(`${url}/admin`, { headers: bearer(await signToken(key)) })).status, 403)
      assert.equal((await fetch(`${url}/admin`, { headers: bearer(await signToken(key, { scope: 'admin' })) })).status, 200)
    } finally {
      await app.close()
    }
  })

  test('a bad config.auth on a route the plugin did not see refuses every request (500), never serves it', async () => {
    const app = Fastify({ logger: false })
    app.get('/x', { config: { auth: { scope: ['admin'] } as never } }, async () => 'open')
    app.register(tokenguard, localOptions(key))
    const url = await listen(app)
    try {
      const response = await fetch(`${url}/x`, { headers: bearer(await signToken(key)) })
      assert.equal(response.status, 500)
      assert.notEqual(await response.text(), 'open')
    } finally {
      await app.close()
    }
  })

  test('unknown paths stay 404, without asking for a token', async () => {
    const app = Fastify({ logger: false })
    app.register(tokenguard, localOptions(key))
    const url = await listen(app)
    try {
      assert.equal((await fetch(`${url}/nothing-here`)).status, 404)
    } finally {
      await app.close()
    }
  })
})
