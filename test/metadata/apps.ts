/**
 * A small API that publishes RFC 9728 metadata, on each adapter: Express 5 and 4 through
 * `protectedResourceMetadata()`, Fastify through the plugin's `protectedResourceMetadata` option (which
 * also sets the verifier's `resource_metadata`). Routes: GET /v1/data (read:data), POST /v1/data
 * (write:data).
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVerifier, resourceMetadataUrl } from '@tokenguard/core'
import { authenticate, protectedResourceMetadata, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import express4 from 'express4'
import Fastify from 'fastify'

/** The resource identifier: deliberately not the loopback address (an API behind a proxy). */
export const RESOURCE = 'https://orders.tokenguard.test/v1'
export const REALM = 'orders'
export const SCOPES = ['read:data', 'write:data']

export interface MetadataApp {
  name: string
  url: string
  close(): Promise<void>
}

/** Fields of the document that both adapters are given. */
const FIELDS = { resource: RESOURCE, scopesSupported: SCOPES, resourceName: 'Orders API', resourceDocumentation: 'https://docs.tokenguard.test/orders' }

function expressApp(name: string, create: () => express.Express) {
  return async (issuer: string): Promise<MetadataApp> => {
    const verifier = createVerifier({ issuer, allowInsecureHttp: true, audience: RESOURCE, realm: REALM, resourceMetadata: resourceMetadataUrl(RESOURCE) })
    const app = create()
    app.set('env', 'test')
    app.use(protectedResourceMetadata({ verifier, ...FIELDS, cacheMaxAge: 600_000 }))
    const auth = authenticate({ verifier })
    app.get('/v1/data', auth, requireScopes('read:data'), (_req, res) => void res.json({ ok: true }))
    app.post('/v1/data', auth, requireScopes('write:data'), (_req, res) => void res.json({ ok: true }))
    const server = app.listen(0, '127.0.0.1') as Server
    await once(server, 'listening')
    return {
      name,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      async close() {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      },
    }
  }
}

async function fastifyApp(issuer: string): Promise<MetadataApp> {
  const app = Fastify({ logger: false })
  await app.register(tokenguard, { issuer, allowInsecureHttp: true, audience: RESOURCE, realm: REALM, warmup: 'off', protectedResourceMetadata: { ...FIELDS, cacheMaxAge: '10m' } })
  app.get('/v1/data', { config: { auth: { scopes: ['read:data'] } } }, async () => ({ ok: true }))
  app.post('/v1/data', { config: { auth: { scopes: ['write:data'] } } }, async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { name: 'fastify', url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() }
}

export const METADATA_APPS: ReadonlyArray<{ name: string; start: (issuer: string) => Promise<MetadataApp> }> = [
  { name: 'express5', start: expressApp('express5', () => express()) },
  { name: 'express4', start: expressApp('express4', () => express4() as unknown as express.Express) },
  { name: 'fastify', start: fastifyApp },
]
