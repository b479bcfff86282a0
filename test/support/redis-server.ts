/**
 * A private `redis-server` for the suites that need Redis: its own process on a free port of 127.0.0.1,
 * nothing persisted, so a Redis the developer runs (on 6379 or anywhere) is never touched. Ready when it
 * answers PING on its socket; stopped after the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect as connectSocket, createServer, type AddressInfo } from 'node:net'
import { after, before } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis, type RedisOptions } from 'ioredis'
import { describeNeeding, type Binary } from './binaries.js'

export const REDIS_SERVER: Binary = { name: 'redis-server', install: 'Debian/Ubuntu: apt-get install redis-server', neededBy: 'the Redis suites' }

/** How long a starting server may take to answer PING before the suite fails. */
const READY_TIMEOUT = 15_000
const POLL_INTERVAL = 20

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:PORT` */
  readonly url: string
  /**
   * A new ioredis connection to this server (closed by close()). By default it gives up at once when the
   * server is gone (no offline queue, no reconnects); `options` override that.
   */
  connect(options?: RedisOptions): Promise<Redis>
  /** Stops the process; open connections see it go away. */
  stop(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
  /** Disconnects every connection made by connect(), then stops the process. */
  close(): Promise<void>
}

/** Starts `redis-server` (the binary at `path`) on a free port, resolving once it answers PING. */
export async function startRedisServer(path: string): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      return await runOn(path, port)
    } catch (error) {
      // another process may take the port between freePort() and redis binding it
      if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error
    }
  }
}

async function runOn(path: string, port: number): Promise<RedisServer> {
  let child = await spawnReady(path, port)
  const clients = new Set<Redis>()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async connect(options = {}) {
      const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, ...options })
      client.on('error', () => undefined) // failures surface as rejected commands; no "unhandled error event" noise
      clients.add(client)
      await client.connect()
      return client
    },
    stop: () => terminate(child),
    async start() {
      if (child.exitCode === null && child.signalCode === null) return
      child = await spawnReady(path, port)
    },
    async close() {
      for (const client of clients) client.disconnect()
      clients.clear()
      await terminate(child)
    },
  }
}

async function spawnReady(path: string, port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', process.env.TMPDIR ?? '/tmp']
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer) => void (output = (output + chunk.toString('utf8')).slice(-4000))
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))
  try {
    await untilPong(port, child)
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`redis-server on 127.0.0.1:${port} did not start: ${(error as Error).message}\n${output.trim()}`)
  }
  return child
}

/** Polls the socket with PING until `+PONG`, failing at once if the process exits. */
async function untilPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`)
    if (await answersPing(port)) return
    await sleep(POLL_INTERVAL)
  }
  throw new Error(`no PONG within ${READY_TIMEOUT} ms`)
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function freePort(): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * A suite with its own redis-server (see {@link describeNeeding} for what happens when there is none).
 * `server()` returns the running server inside tests; if it could not be started, every test fails with
 * the reason (failed, not "cancelled", as a throwing `before` hook would report them).
 */
export function describeWithRedis(title: string, define: (server: () => RedisServer) => void): void {
  describeNeeding(REDIS_SERVER, title, (path) => {
    let running: RedisServer | undefined
    let startError: unknown
    before(async () => {
      try {
        running = await startRedisServer(path)
      } catch (error) {
        startError = error
      }
    })
    after(() => running?.close())
    define(() => {
      if (running === undefined) throw startError ?? new Error('redis-server is not running (used outside a test?)')
      return running
    })
  })
}
