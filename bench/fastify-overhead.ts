/**
 * What @tokenguard/fastify adds to a request on a cache hit, in µs (`npm run bench:fastify`, issue 18): each
 * Fastify app handles one request after another through its own router (`app.routing`, what its HTTP server
 * calls), with a real `IncomingMessage` and `ServerResponse` per request but no socket, so that the figure is
 * the plugin's and Fastify's own cost — request and reply objects, hooks, the reply written into the response —
 * and not the HTTP stack's (which the load benchmark measures, with all its noise on a shared machine). Cases,
 * interleaved rounds, median: the bare route, an empty `onRequest` hook (Fastify's cost for one hook), the
 * plugin with the route's `config.auth`, and the plugin with a decorator guard (`app.requireScopes`).
 */
import tokenguard from '@tokenguard/fastify'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify'
import { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'
import { timeGroup } from './micro/timing.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { overheadLines } from './support/overhead.js'
import { microSettings } from './support/settings.js'

const ROUTE = '/data'
const token = mintHs256(1, Math.floor(Date.now() / 1000))
const options = { issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'] }
let answered = 0
const handler = (_request: FastifyRequest, reply: FastifyReply) => {
  answered += 1
  reply.send('ok')
}

async function appWith(setup: (app: FastifyInstance) => Promise<void> | void): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await setup(app)
  await app.ready()
  return app
}

const apps = {
  bare: await appWith((app) => void app.get(ROUTE, handler)),
  noop: await appWith((app) => void app.get(ROUTE, { onRequest: (_request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => done() }, handler)),
  plugin: await appWith(async (app) => {
    await app.register(tokenguard, options)
    app.get(ROUTE, { config: { auth: { scopes: ['read:data'] } } }, handler)
  }),
  decorator: await appWith(async (app) => {
    await app.register(tokenguard, options)
    app.get(ROUTE, { onRequest: app.requireScopes('read:data') }, handler)
  }),
}

// What Fastify and the view read of a connection; a response without a socket buffers what is written to it.
const socket = { remoteAddress: '127.0.0.1', encrypted: false, on() {}, once() {}, removeListener() {}, destroy() {} } as unknown as Socket
const authorization = `Bearer ${token}`

function dispatch(app: FastifyInstance): void {
  const request = new IncomingMessage(socket)
  request.method = 'GET'
  request.url = ROUTE
  // As a client sends them: the raw list keeps the case, Node's object is lower-case.
  request.headers = { host: 'api.bench.test', authorization, accept: '*/*' }
  request.rawHeaders = ['Host', 'api.bench.test', 'Authorization', authorization, 'Accept', '*/*']
  const response = new ServerResponse(request)
  const before = answered
  app.routing(request, response)
  if (answered !== before + 1 || response.statusCode !== 200) throw new Error(`bench: the request was not answered 200 synchronously (${response.statusCode}; not a cache hit?)`)
}

// Stored on its second verification: warm the cache with full checks first.
for (const app of [apps.plugin, apps.decorator]) for (let warm = 0; warm < 2; warm++) await app.tokenguard.verify(token)

console.log(`Fastify overhead on a cache hit, on ${describeMachine(machineInfo())}; ${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms per case\n`)
const timed = await timeGroup(Object.entries(apps).map(([name, app]) => [name, () => dispatch(app)] as [string, () => void]), microSettings.roundMs, microSettings.rounds)
for (const line of overheadLines(timed)) console.log(line)
