/**
 * The request view of a Fetch API `Request` (Workers, Deno, Bun, Hono, Next.js route handlers), built from
 * web-standard parts only, so that every runtime with `Request` decides requests exactly as Node does.
 *
 * A class whose URL, scheme and client certificate are read when a check asks (query tokens, DPoP's `htu`,
 * metadata; mTLS): a cached token on a plain route needs none of them, and `request.url` is built anew on
 * each read by some runtimes (Node's undici serializes it), a certificate object on each read of a socket.
 */
import type { ExtractOptions } from './extract.js'
import { peerCertificateOf } from './peer-certificate.js'
import type { HeadersLike, RequestView } from './request.js'

/** What the runtime knows about a request that a `Request` does not carry. */
export interface WebRequestExtras {
  /** The peer's address, when the runtime exposes it (for logs and audit). */
  remoteAddress?: string | undefined
  /** The route's template (never the raw path), for logs and metrics. */
  route?: string | undefined
  /**
   * The connection's socket, when the runtime exposes it (`@hono/node-server`: a Node `TLSSocket`): its TLS
   * client certificate is read from it when a check asks (certificate-bound tokens, RFC 8705).
   */
  socket?: unknown
}

/** A {@link RequestView} over a `Request` and what the runtime adds. */
class WebRequestView implements RequestView {
  readonly method: string
  readonly headers: HeadersLike
  readonly remoteAddress: string | undefined
  readonly route: string | undefined
  readonly #request: Request
  readonly #socket: unknown
  #url: string | undefined

  constructor(
    request: Request,
    extras: WebRequestExtras,
    /** The parsed form body, when body tokens are enabled and the request has one. */
    readonly body?: unknown,
  ) {
    this.method = request.method
    this.headers = request.headers
    this.remoteAddress = extras.remoteAddress
    this.route = extras.route
    this.#request = request
    this.#socket = extras.socket
  }

  get url(): string {
    return (this.#url ??= this.#request.url)
  }

  get encrypted(): boolean {
    return this.url.startsWith('https:')
  }

  get peerCertificate(): Uint8Array | undefined {
    return this.#socket === undefined ? undefined : peerCertificateOf(this.#socket)
  }
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded'
// A form body that carries an access token is a few kilobytes; a larger one is not read for a token.
const MAX_FORM_BYTES = 64 * 1024

/**
 * The view core decides on. Synchronous unless body tokens are enabled and the request has a form body:
 * that body is then read from a clone (so the handler can still read it), up to 64 KiB.
 */
export function webRequestView(request: Request, extract: Pick<ExtractOptions, 'allowBodyToken'>, extras: WebRequestExtras = NO_EXTRAS): RequestView | Promise<RequestView> {
  if (!extract.allowBodyToken || !carriesForm(request)) return new WebRequestView(request, extras)
  return readForm(request).then((body) => new WebRequestView(request, extras, body))
}

const NO_EXTRAS: WebRequestExtras = Object.freeze({})

function carriesForm(request: Request): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return false
  const mediaType = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase()
  return mediaType === FORM_MEDIA_TYPE
}

/** The form's fields; a repeated field becomes an array (which extraction refuses for `access_token`). */
async function readForm(request: Request): Promise<Record<string, string | string[]> | undefined> {
  const text = await boundedText(request.clone())
  if (text === undefined) return undefined
  const fields: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = fields[name]
    // Appended in place: copying the array per repeat was quadratic (a 64 KiB body of `a&a&…` took seconds of CPU).
    if (existing === undefined) fields[name] = value
    else if (Array.isArray(existing)) existing.push(value)
    else fields[name] = [existing, value]
  }
  return fields
}

async function boundedText(request: Request): Promise<string | undefined> {
  const reader = request.body!.getReader()
  if (Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) {
    void reader.cancel().catch(() => undefined) // the clone's copy of the body is not kept for nothing
    return undefined
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_FORM_BYTES) {
      // Not awaited: a tee branch's cancel settles only once the other branch (the handler's) is done too.
      void reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}
