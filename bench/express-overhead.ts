/**
 * What @tokenguard/express adds to a request on a cache hit, in µs (`npm run bench:express`, issue 18: ≤ 5 µs):
 * an Express router dispatching one request object after another to a route, without sockets, so that the
 * figure is the middleware's and Express' own layer cost and not the HTTP stack's (which the load benchmark
 * measures, with all its noise on a shared machine). Cases, interleaved rounds, median: the bare route, two
 * empty middlewares (Express' cost for two layers), `authenticate()` + `requireScopes()`, and
 * `auth.protect()`. A fresh request object each time, as Express makes one per request.
 */
import { authenticate } from '@tokenguard/express'
import { requireScopes } from '@tokenguard/express'
import express, { type NextFunction, type Request, type Response } from 'express'
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

function routerWith(...handlers: express.RequestHandler[]): express.Router {
  const router = express.Router()
  router.get('/data', ...handlers, handler)
  return router
}

const routers = {
  bare: routerWith(),
  noop: routerWith(pass, pass),
  composed: routerWith(auth, requireScopes('read:data')),
  protect: routerWith(auth.protect({ scopes: ['read:data'] })),
}

const socket = { remoteAddress: '127.0.0.1', encrypted: false }
const response = { setHeader() {}, status() { return this }, json() {}, end() {} } as unknown as Response
const failed = (error: unknown) => { throw error ?? new Error('bench: the request fell through the router') }

const authorization = `Bearer ${token}`

function dispatch(router: express.Router): void {
  // As Node gives them: lower-case names in `headers`, the client's spelling in `rawHeaders` (which the view reads).
  const headers = { authorization, host: 'api.bench.test' }
  const req = { method: 'GET', url: '/data', originalUrl: '/data', baseUrl: '', headers, rawHeaders: ['Authorization', authorization, 'Host', 'api.bench.test'], socket }
  const before = answered
  router(req as unknown as Request, response, failed)
  if (answered !== before + 1) throw new Error('bench: the request was not answered synchronously (not a cache hit?)')
}

// Stored on its second verification: warm the cache with full checks first.
for (let warm = 0; warm < 2; warm++) await auth.verifier.verify(token)

const machine = machineInfo()
const startedAt = new Date().toISOString()
console.log(`Express overhead on a cache hit, on ${describeMachine(machine)}; ${microSettings.rounds} interleaved rounds of ~${microSettings.roundMs} ms per case\n`)
const timed = await timeGroup(Object.entries(routers).map(([name, router]) => [name, () => dispatch(router)] as [string, () => void]), microSettings.roundMs, microSettings.rounds)
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
