/**
 * A real authorization server's introspection side on 127.0.0.1, answering from a table the test fills
 * (token → RFC 7662 response; unknown tokens are inactive), so that every member an answer may carry can
 * be tried. It checks the API's credentials (Basic, form, or a private_key_jwt assertion verified with the
 * registered public key: 401 otherwise), serves discovery and its JWK Set, signs answers (RFC 9701) when
 * asked with `Accept: application/token-introspection+jwt`, and misbehaves on demand (down, hanging,
 * slow, 5xx, garbage, oversized, redirects). A gate holds answers back so that tests count requests in
 * flight instead of waiting on a clock.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose'
import { generateSigningKey, type SigningKey } from './key-server.js'

export type IntrospectionBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'garbage' }
  | { kind: 'not-an-answer' }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'redirect'; location: string }
  /** Signs every answer, whatever the request asked for. */
  | { kind: 'always-signed' }
  /** Answers plain JSON, whatever the request asked for. */
  | { kind: 'never-signed' }

/** One request as the server saw it (the test may assert what the API sent). */
export interface SeenRequest {
  headers: IncomingMessage['headers']
  form: URLSearchParams
}

export interface IntrospectionServer {
  /** `http://127.0.0.1:PORT`, the issuer of discovery and of signed answers. */
  readonly issuer: string
  /** `${issuer}/introspect` */
  readonly endpoint: string
  readonly clientId: string
  readonly clientSecret: string
  /** Answers by token; tokens not listed are `{ active: false }`. */
  readonly answers: Map<string, Record<string, unknown>>
  behaviour: IntrospectionBehaviour
  /** Members of the discovery document besides `issuer` and `jwks_uri`; default `introspection_endpoint`. */
  discovery: Record<string, unknown>
  /** The public key a private_key_jwt assertion must verify with (none: assertions are refused). */
  assertionKey: CryptoKey | JWK | undefined
  /** The key answers are signed with; its public half is in the JWK Set. */
  readonly signingKey: SigningKey
  /** Overrides the claims of signed answers (`iss`, `aud`, `typ` in the header…). */
  signedAnswer: { iss?: string; aud?: string; typ?: string; key?: SigningKey }
  /** Requests that reached the introspection endpoint, in order. */
  readonly seen: SeenRequest[]
  /** Requests to the introspection endpoint so far. */
  count(): number
  /** Introspection requests received and not yet answered. */
  inFlight(): number
  /** Holds answers until `release()`; resolves `waitFor(n)` once `n` requests are being held. */
  hold(): { waitFor(n: number): Promise<void>; release(): void }
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

const CLIENT_ID = 'api-introspector'
const CLIENT_SECRET = 'api-secret with/special+chars=&%:'
const JWT_TYPE = 'application/token-introspection+jwt'

export async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const signingKey = await generateSigningKey('RS256', 'introspection-signing')
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  let inFlight = 0
  let gate: { promise: Promise<void>; release(): void; waiters: Array<{ n: number; resolve(): void }> } | undefined

  const state: IntrospectionServer = {
    issuer: '',
    endpoint: '',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    answers: new Map(),
    behaviour: { kind: 'ok' },
    discovery: {},
    assertionKey: undefined,
    signingKey,
    signedAnswer: {},
    seen: [],
    count: () => state.seen.length,
    inFlight: () => inFlight,
    hold() {
      let release!: () => void
      const promise = new Promise<void>((resolve) => (release = resolve))
      const held = { promise, release, waiters: [] as Array<{ n: number; resolve(): void }> }
      gate = held
      return {
        waitFor: (n) => (inFlight >= n ? Promise.resolve() : new Promise<void>((resolve) => held.waiters.push({ n, resolve }))),
        release() {
          if (gate === held) gate = undefined
          held.release()
        },
      }
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
      server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))
      server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.listen(port, '127.0.0.1')
      await once(server, 'listening')
      port = (server.address() as AddressInfo).port
    },
    close: () => state.stop(),
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(res, 200, { issuer: state.issuer, jwks_uri: `${state.issuer}/jwks`, introspection_endpoint: state.endpoint, ...state.discovery })
    }
    if (req.method === 'GET' && path === '/jwks') return json(res, 200, { keys: [signingKey.publicJwk] })
    if (req.method !== 'POST' || path !== '/introspect') return json(res, 404, { error: 'not_found' })
    const form = new URLSearchParams(await body(req))
    state.seen.push({ headers: req.headers, form })
    inFlight++
    try {
      const held = gate
      if (held !== undefined) {
        for (const waiter of held.waiters.filter((w) => inFlight >= w.n)) waiter.resolve()
        await held.promise
      }
      await answer(req, res, form)
    } finally {
      inFlight--
    }
  }

  async function answer(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): Promise<void> {
    const behaviour = state.behaviour
    switch (behaviour.kind) {
      case 'status':
        return json(res, behaviour.status, { error: 'server_error' })
      case 'hang':
        return new Promise<void>((resolve) => res.on('close', resolve))
      case 'garbage':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"active": tru')
      case 'not-an-answer':
        return json(res, 200, { active: 'yes' })
      case 'oversized':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(`{"active":true,"pad":"${'x'.repeat(behaviour.bytes)}"}`)
      case 'redirect':
        return void res.writeHead(307, { location: behaviour.location }).end()
      default:
    }
    if (!(await authenticated(req, form))) return json(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="introspection"' })
    const token = form.get('token') ?? ''
    const response = state.answers.get(token) ?? { active: false }
    const wantsJwt = (req.headers.accept ?? '').includes(JWT_TYPE)
    const signed = behaviour.kind === 'always-signed' || (wantsJwt && behaviour.kind !== 'never-signed')
    if (!signed) return json(res, 200, response)
    const key = state.signedAnswer.key ?? signingKey
    const jwt = await new SignJWT({ token_introspection: response })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: state.signedAnswer.typ ?? 'token-introspection+jwt' })
      .setIssuer(state.signedAnswer.iss ?? state.issuer)
      .setAudience(state.signedAnswer.aud ?? CLIENT_ID)
      .setIssuedAt()
      .sign(key.privateKey)
    res.writeHead(200, { 'content-type': `${JWT_TYPE}; charset=utf-8` }).end(jwt)
  }

  async function authenticated(req: IncomingMessage, form: URLSearchParams): Promise<boolean> {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')
    if (basic !== null) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
      return id === CLIENT_ID && secret === CLIENT_SECRET
    }
    if (form.has('client_secret')) return form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET
    const assertion = form.get('client_assertion')
    if (assertion === null || state.assertionKey === undefined) return false
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return false
    try {
      const { payload } = await jwtVerify(assertion, state.assertionKey, { issuer: CLIENT_ID, subject: CLIENT_ID, audience: state.issuer, requiredClaims: ['jti', 'exp'] })
      return typeof payload.jti === 'string'
    } catch {
      return false
    }
  }

  await state.start()
  const issuer = `http://127.0.0.1:${port}`
  Object.assign(state, { issuer, endpoint: `${issuer}/introspect` })
  return state
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value))
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A fresh opaque token in oidc-provider's shape (43 base64url characters). */
export function opaqueToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
}
