/**
 * Example: a Fastify API protected by tokenguard.
 *
 *   ISSUER=https://id.example.com/ AUDIENCE=https://api.example.com node build/examples/fastify-api.js
 */
import tokenguard from '@tokenguard/fastify'
import Fastify from 'fastify'
import { pathToFileURL } from 'node:url'

export interface ApiOptions {
  issuer: string
  audience: string
  /** Plain-http issuer on 127.0.0.1 (the demo's); never in production. */
  allowInsecureHttp?: boolean
  /** Fastify logger; refusals are logged with their precise reason at `info` level. */
  logger?: boolean
}

/** Builds the API: GET /health is public, GET /data needs read:data, POST /data needs write:data. */
export async function createFastifyApi({ issuer, audience, allowInsecureHttp, logger = false }: ApiOptions) {
  const app = Fastify({ logger })
  // Registration awaits discovery and the key set (warm-up); every route requires a token unless it opts out.
  await app.register(tokenguard, { issuer, audience, allowInsecureHttp, realm: 'example-api' })
  app.get('/health', { config: { auth: false } }, async () => ({ ok: true }))
  app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, async (request) => ({
    framework: 'fastify',
    items: ['alpha', 'beta'],
    client: request.auth?.claims.client_id,
  }))
  app.post('/data', { config: { auth: { scopes: ['write:data'] } } }, async (request, reply) => {
    reply.code(201)
    return { framework: 'fastify', created: true, client: request.auth?.claims.client_id }
  })
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const app = await createFastifyApi({ issuer: required('ISSUER'), audience: required('AUDIENCE'), logger: true })
  await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' })
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`set ${name}`)
  return value
}
