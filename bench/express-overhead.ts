/**
 * What @tokenguard/express adds to a request on a cache hit, in µs (`npm run bench:express`, issue 18: ≤ 5 µs):
 * an Express app dispatching one request after another to a route, without sockets, so that the figure is the
 * middleware's and Express' own layer cost and not the HTTP stack's (which the load benchmark measures, with
 * all its noise on a shared machine). Cases, interleaved rounds, median: the bare route, two empty middlewares
 * (Express' cost for two layers), `authenticate()` + `requireScopes()`, and `auth.protect()`.
 *
 * Each request is a real `IncomingMessage` with its `ServerResponse`, handed to the app as Node's server hands
 * it: on Node 20 and 22, Express then gives every request object a map of its own (it adds properties after
 * `Object.setPrototypeOf`), so every property read of `req` misses V8's inline caches and every property added
 * to it builds a new map. Plain object literals, as this benchmark used before, share one map and hid that:
 * they measured +0.7–2 µs where real requests measure several times more (see docs/performance.md).
 */
import { authenticate } from '@tokenguard/express'
import { requireScopes } from '@tokenguard/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { MEMORY_AUDIENCE, MEMORY_ISSUER, MEMORY_SECRET, mintHs256 } from './memory/hs256.js'
import { timeGroup } from './micro/timing.js'
import type { ExpressOverheadResult } from './support/hit-results.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { overheadLines } from './support/overhead.js'
import { saveResult } from './support/results.js'
import { microSettings } from './support/settings.js'

const token = mintHs256(1, Math.floor(Date.now() / 1000))
const auth = authenticate({ issuer: MEMORY_ISSUER, audience: MEMORY_AUDIENCE, secret: MEMORY_SECRET, algorithms: ['HS256'], logger: false })
let answered = 0
const handler = (_req: Request, _res: Response) => void (answered += 1)
const pass = (_req: Request, _res: Response, next: NextFunction) => next()

function appWith(...handlers: express.RequestHandler[]): express.Express {
  const app = express()
  app.get('/data', ...handlers, handler)
  return app
}

const apps = {
  bare: appWith(),
  noop: appWith(pass, pass),
  composed: appWith(auth, requireScopes('read:data')),
  protect: appWith(auth.protect({ scopes: ['read:data'] })),
}

const socket = new Socket() // never connected: nothing is written, the handler answers by counting
const failed = (error: unknown) => { throw error ?? new Error('bench: the request fell through the app') }

const authorization = `Bearer ${token}`

function dispatch(app: express.Express): void {
  // As Node's parser fills them: lower-case names in `headers`, the client's spelling in `rawHeaders` (which the view reads).
  const req = new IncomingMessage(socket)
  req.method = 'GET'
  req.url = '/data'
  req.headers = { authorization, host: 'api.bench.test' }
  req.rawHeaders = ['Authorization', authorization, 'Host', 'api.bench.test']
  const before = answered
  app(req as Request, new ServerResponse(req) as Response, failed)
  if (answered !== before + 1) throw new Error('bench: the request was not answered synchronously (not a cache hit?)')
}

// Stored on its second verification: warm the cache with full checks first.
for (let warm = 0; warm < 2; warm++) await auth.verifier.verify(token)

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`Express overhead on a cache hit, on ${describeMachine(machine)}; ${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms per case\n`)
const timed = await timeGroup(Object.entries(apps).map(([name, app]) => [name, () => dispatch(app)] as [string, () => void]), microSettings.roundMs, microSettings.rounds)
for (const line of overheadLines(timed)) console.log(line)
const bare = timed[0]!.microsPerOp
const over = (name: string) => timed.find((entry) => entry.name === name)!.microsPerOp - bare
const result: ExpressOverheadResult = {
  kind: 'express-overhead',
  startedAt,
  machine,
  microsPerRequest: Object.fromEntries(timed.map((entry) => [entry.name, entry.microsPerOp])),
  overBareMicros: { noop: over('noop'), composed: over('composed'), protect: over('protect') },
}
console.log(`saved ${await saveResult('express-overhead', result)}`)
