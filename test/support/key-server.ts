/**
 * A real issuer on 127.0.0.1 for tests: serves discovery and a JWK Set, mints tokens with its keys, and
 * misbehaves on demand (down, hanging, slow, 5xx, garbage, oversized, empty set, redirects), counting every
 * request it receives.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload, type JWTHeaderParameters } from 'jose'

export interface SigningKey {
  kid: string
  alg: string
  privateKey: CryptoKey
  publicJwk: JWK
}

let keyCounter = 0

/** Generates a signing key pair; the public JWK carries `kid`, `alg` and `use`. */
export async function generateSigningKey(alg = 'RS256', kid = `key-${++keyCounter}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { kid, alg, privateKey, publicJwk }
}

export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  /** `held`, when given, collects how long each hanging request was held before the client closed it (ms). */
  | { kind: 'hang'; held?: number[] }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'garbage' }
  /** `sent`, when given, tallies the body bytes the server managed to write before the client gave up. */
  | { kind: 'oversized'; bytes: number; sent?: { bytes: number } }
  | { kind: 'empty-set' }
  | { kind: 'redirect'; location: string }
  /** Answers 200 at once, then sends the body one byte per `intervalMs`, never finishing. */
  | { kind: 'trickle'; intervalMs: number; held?: number[] }
  /** Holds each request until `gate` opens, then answers as `then` says (default `ok`): no sleeping, no race. */
  | { kind: 'held'; gate: Gate; then?: Behaviour }
  /** Destroys the connection without an answer (a server going away mid-request). */
  | { kind: 'reset' }

/** A gate a test opens when it is ready (e.g. once every request it waits for is in flight). */
export interface Gate {
  readonly opened: Promise<void>
  open(): void
}

export function gate(): Gate {
  let open!: () => void
  const opened = new Promise<void>((resolve) => void (open = resolve))
  return { opened, open }
}

export interface KeyServer {
  /** `http://127.0.0.1:PORT` (discovery's `issuer`). */
  readonly issuer: string
  readonly jwksUri: string
  /** Keys currently published in the JWK Set. */
  published: SigningKey[]
  /** How `/jwks` answers. Discovery always answers, unless `discoveryBehaviour` says otherwise. */
  behaviour: Behaviour
  discoveryBehaviour: Behaviour
  /** `Cache-Control` sent with the JWK Set, if any. */
  cacheControl: string | undefined
  /** Requests received per path; `moved` is `/jwks-moved`, which always serves the set (a same-origin redirect target). */
  readonly counts: { discovery: number; rfc8414: number; jwks: number; other: number; moved: number }
  /** Signs `claims` (merged over sensible access-token defaults) with `key` (default: first published). */
  mint(claims?: JWTPayload, options?: { key?: SigningKey; header?: Partial<JWTHeaderParameters>; omit?: string[] }): Promise<string>
  /** Stops listening (connections refused) until `start()`. */
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

export const TEST_AUDIENCE = 'https://api.tokenguard.test'

export async function startKeyServer(options: { keys?: SigningKey[]; audience?: string } = {}): Promise<KeyServer> {
  const published = options.keys ?? [await generateSigningKey()]
  const audience = options.audience ?? TEST_AUDIENCE
  const sockets = new Set<Socket>()
  let port = 0
  let server: Server | undefined

  const state: KeyServer = {
    issuer: '',
    jwksUri: '',
    published,
    behaviour: { kind: 'ok' },
    discoveryBehaviour: { kind: 'ok' },
    cacheControl: undefined,
    counts: { discovery: 0, rfc8414: 0, jwks: 0, other: 0, moved: 0 },
    async mint(claims = {}, mintOptions = {}) {
      const key = mintOptions.key ?? state.published[0]!
      const now = Math.floor(Date.now() / 1000)
      const payload: JWTPayload = {
        iss: state.issuer, aud: audience, sub: 'client-1', client_id: 'client-1', iat: now, exp: now + 300, jti: `jti-${now}-${Math.random()}`, scope: 'read:data',
        ...claims,
      }
      for (const name of mintOptions.omit ?? []) delete payload[name]
      return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...mintOptions.header } as JWTHeaderParameters).sign(key.privateKey)
    },
    async stop() {
      if (server === undefined) return
      const closing = server
      server = undefined
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => closing.close(() => resolve()))
    },
    async start() {
      if (server !== undefined) return
      server = createServer((req, res) => handle(req, res))
      server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.listen(port, '127.0.0.1')
      await once(server, 'listening')
      port = (server.address() as AddressInfo).port
    },
    async close() {
      await state.stop()
    },
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/.well-known/openid-configuration') {
      state.counts.discovery++
      answer(res, state.discoveryBehaviour, () => ({ issuer: state.issuer, jwks_uri: state.jwksUri, token_endpoint: `${state.issuer}/token` }))
    } else if (path === '/.well-known/oauth-authorization-server') {
      state.counts.rfc8414++
      answer(res, state.discoveryBehaviour, () => ({ issuer: state.issuer, jwks_uri: state.jwksUri }))
    } else if (path === '/jwks' || path === '/.well-known/jwks.json') {
      // the second path is where Auth0-style clients (e.g. fastify-auth0-verify) look for the set
      state.counts.jwks++
      answer(res, state.behaviour, () => ({ keys: state.published.map((key) => key.publicJwk) }), state.cacheControl)
    } else if (path === '/jwks-moved') {
      state.counts.moved++
      answer(res, { kind: 'ok' }, () => ({ keys: state.published.map((key) => key.publicJwk) }), state.cacheControl)
    } else {
      state.counts.other++
      res.writeHead(404).end()
    }
  }

  await state.start()
  const base = `http://127.0.0.1:${port}`
  Object.assign(state, { issuer: base, jwksUri: `${base}/jwks` })
  return state
}

function answer(res: ServerResponse, behaviour: Behaviour, body: () => unknown, cacheControl?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (cacheControl !== undefined) headers['cache-control'] = cacheControl
  switch (behaviour.kind) {
    case 'ok':
      res.writeHead(200, headers).end(JSON.stringify(body()))
      return
    case 'status':
      res.writeHead(behaviour.status, headers).end('{"error":"down"}')
      return
    case 'hang': {
      // never answers; the client's timeout must end it
      const since = Date.now()
      res.on('close', () => behaviour.held?.push(Date.now() - since))
      return
    }
    case 'slow':
      setTimeout(() => res.writeHead(200, headers).end(JSON.stringify(body())), behaviour.delayMs)
      return
    case 'garbage':
      res.writeHead(200, headers).end('{"keys": [ this is not json')
      return
    case 'oversized': {
      // Streams a body larger than any sane limit, without a content-length, chunk by chunk.
      res.writeHead(200, headers)
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      const pump = (): void => {
        while (sent < behaviour.bytes) {
          sent += chunk.length
          if (behaviour.sent !== undefined) behaviour.sent.bytes = sent
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      res.on('error', () => undefined)
      pump()
      return
    }
    case 'empty-set':
      res.writeHead(200, headers).end('{"keys":[]}')
      return
    case 'redirect':
      res.writeHead(302, { location: behaviour.location }).end()
      return
    case 'held':
      void behaviour.gate.opened.then(() => answer(res, behaviour.then ?? { kind: 'ok' }, body, cacheControl))
      return
    case 'reset':
      res.socket?.destroy()
      return
    case 'trickle': {
      // Headers at once, then a body that never completes: only a total time budget can end it.
      res.writeHead(200, headers)
      res.write('{"keys":[')
      const timer = setInterval(() => res.write(' '), behaviour.intervalMs)
      const since = Date.now()
      res.on('close', () => {
        clearInterval(timer)
        behaviour.held?.push(Date.now() - since)
      })
      return
    }
  }
}
