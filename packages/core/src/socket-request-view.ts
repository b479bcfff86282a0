/**
 * The request view of a Node-style server (Express, Fastify, NestJS), where the connection is a socket. It
 * reads the framework's request only when core asks: a cached token on a plain route needs the headers and
 * nothing else, while DPoP wants the method and URL, body tokens the body, mTLS the socket's certificate, and
 * logs and metrics the route and the peer's address.
 *
 * Why lazily: on Node 20 and 22, Express gives every request object a map of its own (it adds properties after
 * `Object.setPrototypeOf`, and V8 keeps no transition for them), so every property read of `req` misses V8's
 * inline caches and takes the slow lookup (`--log-ic` logged one miss per read per request). With real
 * `IncomingMessage` objects through an Express app, CPU profiles put ~3–4 µs per request in reading the view's
 * fields eagerly, against 1.5–1.9 µs for the headers alone. Node 24 keeps those transitions.
 *
 * The route and the peer's address are remembered at their first read, so that a decision reported when the
 * response closes (`observability/held-decision.ts` reads both while deciding) names the route as it was
 * decided, and the address of a socket that may have forgotten it by then.
 *
 * A class rather than an object literal with getters: a literal's accessors are defined anew on every request
 * (measured ~1.9 µs per request on Node 20), a class's once, on its prototype.
 */
import { peerCertificateOf } from './peer-certificate.js'
import type { HeadersLike, RequestView } from './request.js'

/** What the view reads of a connection: Node's `net.Socket` / `tls.TLSSocket` has all of it. */
export interface SocketLike {
  readonly encrypted?: boolean | undefined
  readonly remoteAddress?: string | undefined
}

/** What the view reads of a Node request's headers (`IncomingMessage` has both). */
export interface NodeHeaders {
  readonly headers: Record<string, string | string[] | undefined>
  readonly rawHeaders?: readonly string[] | undefined
}

/** How an adapter reads its framework's request `R`; each function is called only when core needs that part. */
export interface NodeRequestReader<R> {
  /** HTTP method, upper case. */
  readonly method: (request: R) => string | undefined
  /** The request target as received (path and query). */
  readonly url: (request: R) => string | undefined
  /** The Node request (`IncomingMessage`) whose headers the view shows, repeated `Authorization` included. */
  readonly message: (request: R) => NodeHeaders
  /** The parsed body, when the framework parsed one. */
  readonly body: (request: R) => unknown
  /** The connection. */
  readonly socket: (request: R) => SocketLike | undefined
  /** The route's template, never the raw path; without it, the view shows the `route` it was made with. */
  readonly route?: ((request: R) => string | undefined) | undefined
}

/**
 * The usual shape of a Node framework's request: an `IncomingMessage` with the framework's additions (Express'
 * `req`, with `originalUrl`), or a wrapper whose `IncomingMessage` is `raw` (Fastify, Nest on Fastify).
 */
export interface NodeStyleRequest {
  readonly method?: string | undefined
  readonly url?: string | undefined
  /** The target as received, where the framework rewrites `url` while routing (Express). */
  readonly originalUrl?: string | undefined
  readonly body?: unknown
  readonly headers: NodeHeaders['headers']
  readonly rawHeaders?: NodeHeaders['rawHeaders']
  readonly socket?: SocketLike | undefined
  readonly raw?: (NodeHeaders & { readonly socket?: SocketLike | undefined }) | undefined
}

const nodeMessageOf = (request: NodeStyleRequest): NodeHeaders & { readonly socket?: SocketLike | undefined } => request.raw ?? request

/** Reads a {@link NodeStyleRequest}; an adapter spreads it and replaces what its framework does otherwise. */
export const nodeRequestReader: NodeRequestReader<NodeStyleRequest> = Object.freeze({
  method: (request: NodeStyleRequest) => request.method,
  url: (request: NodeStyleRequest) => request.originalUrl ?? request.url,
  message: nodeMessageOf,
  body: (request: NodeStyleRequest) => request.body,
  socket: (request: NodeStyleRequest) => nodeMessageOf(request).socket,
})

const OLD_FORM = 'tokenguard: new SocketRequestView(request, reader, route?) takes the framework\'s request and a reader of it: nodeRequestReader for an IncomingMessage or a request whose IncomingMessage is raw (the six-argument form (method, url, message, body, route, socket) is gone)'

// Marks a remembered field not read yet (`undefined` is a value: no route, no address).
const UNREAD = Symbol('unread')

/** A {@link RequestView} over a Node framework's request, read on demand through its adapter's reader. */
export class SocketRequestView<R> implements RequestView {
  readonly #request: R
  readonly #reader: NodeRequestReader<R>
  #headers: HeadersLike | undefined
  #route: string | undefined | typeof UNREAD
  #remoteAddress: string | undefined | typeof UNREAD = UNREAD

  /** `route`: the route's template when the adapter knows it up front (used when `reader` has no `route`). */
  constructor(request: R, reader: NodeRequestReader<R>, route?: string) {
    // One typeof per request: an adapter still written for the six-argument form learns why on its first request.
    if (typeof (reader as Partial<NodeRequestReader<R>> | undefined)?.message !== 'function') throw new TypeError(OLD_FORM)
    this.#request = request
    this.#reader = reader
    this.#route = reader.route === undefined ? route : UNREAD
  }

  get method(): string | undefined {
    return this.#reader.method(this.#request)
  }

  get url(): string | undefined {
    return this.#reader.url(this.#request)
  }

  get body(): unknown {
    return this.#reader.body(this.#request)
  }

  get headers(): HeadersLike {
    return (this.#headers ??= headersOf(this.#reader.message(this.#request)))
  }

  get route(): string | undefined {
    if (this.#route === UNREAD) this.#route = this.#reader.route!(this.#request)
    return this.#route
  }

  get remoteAddress(): string | undefined {
    if (this.#remoteAddress === UNREAD) this.#remoteAddress = this.#reader.socket(this.#request)?.remoteAddress
    return this.#remoteAddress
  }

  get encrypted(): boolean {
    return this.#reader.socket(this.#request)?.encrypted === true
  }

  get peerCertificate(): Uint8Array | undefined {
    return peerCertificateOf(this.#reader.socket(this.#request))
  }
}

/**
 * A Node request's headers as core must see them. Node keeps only the first of repeated `Authorization`
 * headers, so a request with two credentials would be decided on the first while a proxy in front may have
 * read the second; the raw list shows them all, and core then refuses the request (400), as it does on the
 * Fetch API adapters. Costs one pass over the raw names, no allocation unless the header is repeated.
 */
function headersOf(request: NodeHeaders): HeadersLike {
  const raw = request.rawHeaders
  if (raw === undefined) return request.headers
  let count = 0
  for (let index = 0; index < raw.length; index += 2) if (isAuthorization(raw[index]!)) count++
  if (count < 2) return request.headers // counted first: collecting the one value would cost an array per request
  const values: string[] = []
  for (let index = 0; index < raw.length; index += 2) if (isAuthorization(raw[index]!)) values.push(raw[index + 1]!)
  return { ...request.headers, authorization: values }
}

// The usual spellings compared whole (no string made); any other case of the name is lower-cased to be sure,
// after its length and first letter say it may be one (lower-casing every name would make a string per header).
function isAuthorization(name: string): boolean {
  if (name === 'Authorization' || name === 'authorization') return true
  return name.length === 13 && (name.charCodeAt(0) | 0x20) === 0x61 && name.toLowerCase() === 'authorization'
}
