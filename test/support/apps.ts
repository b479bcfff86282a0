/**
 * The same small API built on each adapter, listening on 127.0.0.1, so that one table of cases can be run
 * against every framework over real HTTP: Express 5 and 4, Fastify, Hono (`@hono/node-server`), NestJS on
 * its Express and Fastify platforms, the Fetch API handler (through a `node:http` bridge), and the `node:http`
 * example adapter (examples/node-http-adapter.ts).
 *
 * Routes: GET /public (no auth) · GET /data (read:data) · POST /data (write:data) · GET /any (read:data or
 * admin) · GET /maybe (optional) · GET /client (claim client_id = read-write-client) · POST /form (body
 * tokens, when enabled) · GET /whoami (any valid token).
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import formbody from '@fastify/formbody'
import { serve } from '@hono/node-server'
import { createVerifier, type TokenGuardError, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { authenticate, requireAnyScope, requireClaim, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import express from 'express'
import express4 from 'express4'
import Fastify from 'fastify'
import { serveFetch } from './fetch-server.js'
import { startNestApp, type NestPlatform } from './nest-app.js'
import { fetchApp, honoApp, payload } from './web-apps.js'
import { protect } from '../../examples/node-http-adapter.js'

export interface RunningApp {
  name: string
  url: string
  verifier: Verifier
  /** Refusals observed through the adapter's operator channel (onError hook / logger). */
  refusals: Array<{ reason: string; status: number }>
  /** Requests the server has received and not yet answered (what a test gates a key server on). */
  inFlight(): number
  close(): Promise<void>
}

export type AppFactory = (options: VerifierOptions) => Promise<RunningApp>

function expressFactory(name: string, createApp: () => express.Express): AppFactory {
  return async (options) => {
    const verifier = createVerifier(options)
    const refusals: RunningApp['refusals'] = []
    const onError = (error: TokenGuardError) => void refusals.push({ reason: error.reason, status: error.status })
    const auth = authenticate({ verifier, onError })
    const maybe = authenticate({ verifier, optional: true, onError })
    const app = createApp()
    app.set('env', 'test') // the final handler stays quiet instead of printing every refusal
    app.get('/public', (_req, res) => void res.json({ public: true }))
    app.get('/data', auth, requireScopes('read:data'), (req, res) => void res.json(payload(req.auth)))
    app.post('/data', auth, requireScopes('write:data'), (req, res) => void res.json(payload(req.auth)))
    app.get('/any', auth, requireAnyScope('read:data', 'admin'), (req, res) => void res.json(payload(req.auth)))
    app.get('/maybe', maybe, (req, res) => void res.json(payload(req.auth)))
    app.get('/client', auth, requireClaim('client_id', 'read-write-client'), (req, res) => void res.json(payload(req.auth)))
    app.post('/form', express.urlencoded({ extended: false }), auth, (req, res) => void res.json(payload(req.auth)))
    app.get('/whoami', auth, (req, res) => void res.json(payload(req.auth)))
    const server = app.listen(0, '127.0.0.1') as Server
    await once(server, 'listening')
    return running(name, server, verifier, refusals)
  }
}

async function fastifyApp(options: VerifierOptions): Promise<RunningApp> {
  const verifier = createVerifier(options)
  const refusals: RunningApp['refusals'] = []
  const app = Fastify({ logger: false })
  app.addHook('onError', async (_request, _reply, error) => {
    const refusal = error as Partial<TokenGuardError>
    if (typeof refusal.reason === 'string') refusals.push({ reason: refusal.reason, status: refusal.status ?? 0 })
  })
  await app.register(formbody)
  await app.register(tokenguard, { verifier, warmup: 'off' })
  app.get('/public', { config: { auth: false } }, async () => ({ public: true }))
  app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, async (request) => payload(request.auth))
  app.post('/data', { config: { auth: { scopes: ['write:data'] } } }, async (request) => payload(request.auth))
  app.get('/any', { config: { auth: { anyScopes: ['read:data', 'admin'] } } }, async (request) => payload(request.auth))
  app.get('/maybe', { config: { auth: { optional: true } } }, async (request) => payload(request.auth))
  app.get('/client', { config: { auth: { claims: { client_id: 'read-write-client' } } } }, async (request) => payload(request.auth))
  app.post('/form', async (request) => payload(request.auth))
  app.get('/whoami', async (request) => payload(request.auth))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return running('fastify', app.server, verifier, refusals, () => app.close())
}

/** Refusals as the adapter's `onError` hook reports them. */
function recorder(): { refusals: RunningApp['refusals']; onError: (error: TokenGuardError) => void } {
  const refusals: RunningApp['refusals'] = []
  return { refusals, onError: (error) => void refusals.push({ reason: error.reason, status: error.status }) }
}

async function honoNodeApp(options: VerifierOptions): Promise<RunningApp> {
  const verifier = createVerifier(options)
  const { refusals, onError } = recorder()
  const server = serve({ fetch: honoApp(verifier, onError).fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await once(server, 'listening')
  return running('hono', server, verifier, refusals)
}

async function fetchNodeApp(options: VerifierOptions): Promise<RunningApp> {
  const verifier = createVerifier(options)
  const { refusals, onError } = recorder()
  return running('fetch', await serveFetch(fetchApp(verifier, onError)), verifier, refusals)
}

function nestFactory(platform: NestPlatform): AppFactory {
  return async (options) => {
    const verifier = createVerifier(options)
    const { refusals, onError } = recorder()
    const app = await startNestApp(platform, { verifier, onError, warmup: 'off' })
    return running(`nestjs-${platform}`, app.getHttpServer() as Server, verifier, refusals, () => app.close())
  }
}

/** The documented third-party adapter (examples/node-http-adapter.ts) behind a router of a few lines. */
async function nodeHttpApp(options: VerifierOptions): Promise<RunningApp> {
  const verifier = createVerifier(options)
  const refusals: RunningApp['refusals'] = []
  const onRefusal = (error: TokenGuardError) => void refusals.push({ reason: error.reason, status: error.status })
  const json = (res: ServerResponse, value: unknown) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value))
  const route = (init?: Parameters<Verifier['requirement']>[0]) =>
    protect(verifier, init === undefined ? undefined : verifier.requirement(init), (_req, res, auth) => json(res, payload(auth)), { onRefusal })
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    'GET /public': (_req, res) => json(res, { public: true }),
    'GET /data': route({ scopes: ['read:data'] }),
    'POST /data': route({ scopes: ['write:data'] }),
    'GET /any': route({ anyScopes: ['read:data', 'admin'] }),
    'GET /maybe': route({ optional: true }),
    'GET /client': route({ claims: { client_id: 'read-write-client' } }),
    'POST /form': route(),
    'GET /whoami': route(),
  }
  const server = createServer(async (req, res) => {
    const handler = routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`]
    if (handler === undefined) return void res.writeHead(404).end()
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded') {
      let text = ''
      for await (const chunk of req) text += chunk
      ;(req as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text))
    }
    handler(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return running('node-http', server, verifier, refusals)
}

function running(name: string, server: Server, verifier: Verifier, refusals: RunningApp['refusals'], close?: () => Promise<unknown>): RunningApp {
  const { port } = server.address() as AddressInfo
  let inFlight = 0
  server.on('request', (_request, response: ServerResponse) => {
    inFlight++
    response.once('close', () => void inFlight--)
  })
  return {
    name,
    url: `http://127.0.0.1:${port}`,
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

/** Every adapter on Node, by name: Express 5, Express 4, Fastify 5, Hono, NestJS (both platforms), the fetch handler, and the node:http example adapter. */
export const ADAPTERS: ReadonlyArray<{ name: string; start: AppFactory }> = [
  { name: 'express5', start: expressFactory('express5', () => express()) },
  { name: 'express4', start: expressFactory('express4', () => express4() as unknown as express.Express) },
  { name: 'fastify', start: fastifyApp },
  { name: 'hono', start: honoNodeApp },
  { name: 'nestjs-express', start: nestFactory('express') },
  { name: 'nestjs-fastify', start: nestFactory('fastify') },
  { name: 'fetch', start: fetchNodeApp },
  { name: 'node-http', start: nodeHttpApp },
]
