/**
 * The small protected API of `apps.ts` over HTTPS with client certificates requested (`requestCert`, chain
 * not enforced by TLS: RFC 8705 binds a token to a certificate, whoever issued it), on Express 5, Express 4
 * Fastify and the node:http example adapter, and a request helper that presents a client certificate.
 *
 * Routes: GET /data (read:data) · GET /whoami (any valid token).
 */
import { once } from 'node:events'
import { createServer, request, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createVerifier, type TokenGuardError, type VerifierOptions } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import express4 from 'express4'
import Fastify from 'fastify'
import { protect } from '../../examples/node-http-adapter.js'
import type { RunningApp } from './apps.js'
import type { Identity, TlsMaterial } from './tls.js'

type TlsAppFactory = (options: VerifierOptions, tls: TlsMaterial) => Promise<RunningApp>

const payload = (auth: { claims: Record<string, unknown> } | null | undefined) => (auth ? { sub: auth.claims.sub } : { anonymous: true })

function serverOptions(tls: TlsMaterial) {
  return { key: tls.server.key, cert: tls.server.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false }
}

function expressFactory(name: string, createApp: () => express.Express): TlsAppFactory {
  return async (options, tls) => {
    const verifier = createVerifier(options)
    const refusals: RunningApp['refusals'] = []
    const auth = authenticate({ verifier, onError: (error: TokenGuardError) => void refusals.push({ reason: error.reason, status: error.status }) })
    const app = createApp()
    app.set('env', 'test')
    app.get('/data', auth, requireScopes('read:data'), (req, res) => void res.json(payload(req.auth)))
    app.get('/whoami', auth, (req, res) => void res.json(payload(req.auth)))
    const server = createServer(serverOptions(tls), app)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return running(name, server, verifier, refusals)
  }
}

const fastifyFactory: TlsAppFactory = async (options, tls) => {
  const verifier = createVerifier(options)
  const refusals: RunningApp['refusals'] = []
  const app = Fastify({ logger: false, https: serverOptions(tls) })
  app.addHook('onError', async (_request, _reply, error) => {
    const refusal = error as Partial<TokenGuardError>
    if (typeof refusal.reason === 'string') refusals.push({ reason: refusal.reason, status: refusal.status ?? 0 })
  })
  await app.register(tokenguard, { verifier, warmup: 'off' })
  app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, async (request) => payload(request.auth))
  app.get('/whoami', async (request) => payload(request.auth))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return running('fastify', app.server as unknown as Server, verifier, refusals, () => app.close())
}

/** The documented node:http example adapter over HTTPS. */
const nodeHttpFactory: TlsAppFactory = async (options, tls) => {
  const verifier = createVerifier(options)
  const refusals: RunningApp['refusals'] = []
  const onRefusal = (error: TokenGuardError) => void refusals.push({ reason: error.reason, status: error.status })
  const route = (init?: Parameters<typeof verifier.requirement>[0]) =>
    protect(verifier, init === undefined ? undefined : verifier.requirement(init), (_req, res, auth) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload(auth))), { onRefusal })
  const routes: Record<string, ReturnType<typeof route>> = { '/data': route({ scopes: ['read:data'] }), '/whoami': route() }
  const server = createServer(serverOptions(tls), (req, res) => {
    const handler = req.method === 'GET' ? routes[(req.url ?? '/').split('?')[0]!] : undefined
    if (handler === undefined) return void res.writeHead(404).end()
    handler(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return running('node-http', server, verifier, refusals)
}

function running(name: string, server: Server, verifier: RunningApp['verifier'], refusals: RunningApp['refusals'], close?: () => Promise<unknown>): RunningApp {
  const { port } = server.address() as AddressInfo
  let inFlight = 0
  server.on('request', (_request, response) => {
    inFlight++
    response.once('close', () => void inFlight--)
  })
  return {
    name,
    url: `https://127.0.0.1:${port}`,
    verifier,
    refusals,
    inFlight: () => inFlight,
    async close() {
      server.closeAllConnections()
      if (close) await close()
      else await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Every adapter over HTTPS. */
export const TLS_ADAPTERS: ReadonlyArray<{ name: string; start: TlsAppFactory }> = [
  { name: 'express5', start: expressFactory('express5', () => express()) },
  { name: 'express4', start: expressFactory('express4', () => express4() as unknown as express.Express) },
  { name: 'fastify', start: fastifyFactory },
  { name: 'node-http', start: nodeHttpFactory },
]

export interface TlsResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One HTTPS request on a fresh connection, presenting `identity`'s certificate when given. */
export function tlsRequest(url: string, tls: TlsMaterial, options: { identity?: Identity | undefined; headers?: Record<string, string>; method?: string } = {}): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      ca: tls.ca,
      agent: false,
      ...(options.identity === undefined ? {} : { key: options.identity.key, cert: options.identity.cert }),
    }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}
