/** A Fastify app with tokenguard (local keys, realm "api"), listening on 127.0.0.1, for the plugin tests. */
import type { AddressInfo } from 'node:net'
import tokenguard, { type TokenguardPluginOptions } from '@tokenguard/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER } from '../support/local-tokens.js'

export interface Served {
  app: FastifyInstance
  url: string
  close(): Promise<void>
}

/** Options of a verifier that trusts `key` only; no network. */
export function localOptions(key: SigningKey, extra: Record<string, unknown> = {}): TokenguardPluginOptions {
  return { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api', ...extra } as TokenguardPluginOptions
}

/** Registers tokenguard with `options`, lets `routes` declare routes (and more plugins), then listens. */
export async function serve(options: TokenguardPluginOptions, routes: (app: FastifyInstance) => void | Promise<void>): Promise<Served> {
  const app = Fastify({ logger: false })
  await app.register(tokenguard, options)
  await routes(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
