/**
 * The test issuer's HTTP side: a node:http server on 127.0.0.1 that serves a few JSON documents by path,
 * counts every request per endpoint, and misbehaves on demand (connection refused, 503, hanging, slow).
 * Held responses (hanging or slow) are released at once by `restore()`, so a test can hold the issuer
 * like a gate instead of waiting on a clock.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** The endpoints requests are counted for; `other` is every path the issuer does not serve (404). */
export type Endpoint = 'openidConfiguration' | 'oauthAuthorizationServer' | 'jwks' | 'other'

/**
 * How an outage looks to the verifier: `'refuse'` closes the listener (connection refused, open
 * connections reset), `'503'` answers `503 Service Unavailable`, `'hang'` accepts requests and never
 * answers (the verifier's timeout must end them).
 */
export type OutageMode = 'refuse' | '503' | 'hang'

type Mode = { kind: 'normal' } | { kind: 'outage'; outage: OutageMode } | { kind: 'slow'; delay: number }

/** A served document: which endpoint it counts as, and its body, computed per request. */
export interface Route {
  endpoint: Exclude<Endpoint, 'other'>
  body: () => unknown
  headers?: () => Record<string, string>
}

export interface IssuerServer {
  readonly port: number
  readonly requests: Readonly<Record<Endpoint, number>>
  readonly held: number
  setMode(mode: Mode): Promise<void>
  requested(endpoint: Endpoint, count: number): Promise<void>
  stop(): Promise<void>
}

/** Starts serving `routes` (exact paths, query ignored) on 127.0.0.1 at a random port. */
export async function startIssuerServer(routes: ReadonlyMap<string, Route>): Promise<IssuerServer> {
  const requests: Record<Endpoint, number> = { openidConfiguration: 0, oauthAuthorizationServer: 0, jwks: 0, other: 0 }
  const sockets = new Set<Socket>()
  const held = new Map<ServerResponse, { release: () => void; timer: NodeJS.Timeout | undefined }>()
  const waiters: Array<{ endpoint: Endpoint; count: number; resolve: () => void; reject: (error: Error) => void }> = []
  let mode: Mode = { kind: 'normal' }
  let listening: Server | undefined
  let port = 0
  let stopped = false

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const route = routes.get((req.url ?? '/').split('?')[0]!)
    const endpoint: Endpoint = route?.endpoint ?? 'other'
    requests[endpoint]++
    for (const waiter of waiters.filter((entry) => entry.endpoint === endpoint && requests[endpoint] >= entry.count)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
    const answer = () => respond(res, req.method, route)
    if (route === undefined) return answer()
    if (mode.kind === 'outage' && mode.outage === '503') return json(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' })
    if (mode.kind === 'outage' && mode.outage === 'hang') return hold(res, answer, undefined)
    if (mode.kind === 'slow') return hold(res, answer, mode.delay)
    answer()
  }

  function hold(res: ServerResponse, answer: () => void, delay: number | undefined): void {
    const release = () => {
      const entry = held.get(res)
      if (entry === undefined) return
      clearTimeout(entry.timer)
      held.delete(res)
      if (!res.destroyed) answer()
    }
    held.set(res, { release, timer: delay === undefined ? undefined : setTimeout(release, delay) })
    res.on('close', () => {
      clearTimeout(held.get(res)?.timer)
      held.delete(res)
    })
  }

  async function listen(): Promise<void> {
    const server = createServer(handle)
    server.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    // A forgotten stop() must not keep the test process alive; open connections still do while in use.
    server.unref()
    server.listen(port, '127.0.0.1')
    try {
      await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))])
    } catch (error) {
      throw new Error(`@tokenguard/testing: cannot listen on 127.0.0.1:${port} again (${(error as Error).message}); another process took the port during the outage`)
    }
    port = (server.address() as AddressInfo).port
    listening = server
  }

  async function close(): Promise<void> {
    const server = listening
    listening = undefined
    for (const entry of held.values()) clearTimeout(entry.timer)
    held.clear()
    for (const socket of sockets) socket.destroy()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  await listen()
  return {
    get port() {
      return port
    },
    requests,
    get held() {
      return held.size
    },
    async setMode(next) {
      if (stopped) throw new Error('@tokenguard/testing: the test issuer is stopped')
      mode = next
      if (next.kind === 'outage' && next.outage === 'refuse') return close()
      if (listening === undefined) await listen()
      if (next.kind === 'normal') for (const entry of [...held.values()]) entry.release()
    },
    requested(endpoint, count) {
      if (requests[endpoint] >= count) return Promise.resolve()
      if (stopped) return Promise.reject(new Error('@tokenguard/testing: the test issuer is stopped'))
      return new Promise((resolve, reject) => void waiters.push({ endpoint, count, resolve, reject }))
    },
    async stop() {
      if (stopped) return
      stopped = true
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`@tokenguard/testing: the test issuer stopped before ${waiter.count} ${waiter.endpoint} requests`))
      await close()
    },
  }
}

function respond(res: ServerResponse, method: string | undefined, route: Route | undefined): void {
  if (route === undefined) return json(res, 404, { error: 'not_found' })
  if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' })
  json(res, 200, route.body(), route.headers?.() ?? {})
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}
