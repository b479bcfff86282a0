/**
 * A JSON GET with every dimension bounded: total time (connect, headers and body), body size (checked while
 * streaming, not after), and redirects (same origin only, a few hops). Used for discovery and key sets,
 * where the remote end is a dependency that can hang, flood or misbehave. A form POST under the same
 * bounds serves token introspection; it follows no redirect at all.
 *
 * Each failure says whose fault it probably is: an `outage` (no answer, a timeout, a 5xx, a 429) passes,
 * while a `configuration` failure (a 404, a redirect elsewhere, a body that is not JSON or too large) will
 * not change by waiting, unless someone changes the configuration or the server's publication.
 *
 * The bounds hold whatever `fetch` does (the `fetch` option: a proxy, a custom CA, an undici dispatcher):
 * the time budget is raced against the call and every body read, not left to the fetch honouring the
 * signal; the body is read here, chunk by chunk; and a response the fetch reached by following redirects
 * itself is refused, since only the hops made here are checked.
 */

/**
 * The Fetch API call tokenguard makes: the global `fetch`, undici's `fetch`, or a wrapper that adds a
 * dispatcher (proxy, custom CA), e.g. `(url, init) => undiciFetch(url, { ...init, dispatcher })`. It must
 * pass `init.redirect` (`'manual'`) on; `init.signal` should be passed on too, so that a timed-out request
 * is also cancelled (the time budget holds either way).
 */
export type FetchFunction = (url: string, init: FetchInit) => Promise<FetchResponse>

/** What tokenguard passes to a {@link FetchFunction}: a GET (discovery, key set) or a form POST (introspection). */
export interface FetchInit {
  method: 'GET' | 'POST'
  headers: Record<string, string>
  /** The urlencoded form of a POST. */
  body?: string
  redirect: 'manual'
  signal: AbortSignal
}

/**
 * The part of a response tokenguard reads: a Fetch API `Response`, or any object with the same members
 * (node-fetch's, whose `body` is a Node stream, is read as an async iterable of bytes).
 */
export interface FetchResponse {
  status: number
  headers: { get(name: string): string | null }
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null
  /** `true` when the fetch followed a redirect itself (such a response is refused). */
  redirected?: boolean | undefined
}

/** Bounds for one fetch. */
export interface FetchJsonOptions {
  /** Total time budget in milliseconds, body included. */
  timeoutDuration: number
  /** Largest accepted body in bytes. */
  maxResponseSize: number
  /** Extra request headers (e.g. a `User-Agent`). */
  headers?: Record<string, string> | undefined
  /** Allow plain `http` URLs (local tests). Default is `false`: an `http` URL is refused before any request. */
  allowInsecureHttp?: boolean | undefined
  /** The fetch to call. Default is the global `fetch`. */
  fetch?: FetchFunction | undefined
}

/** Whose fault a failure probably is: the remote end's (`outage`: wait and retry) or the configuration's. */
export type FailureKind = 'configuration' | 'outage'

/** A fetched, parsed JSON document and the response headers that matter for caching. */
export interface FetchedJson {
  body: unknown
  /** `Cache-Control` response header, if any. */
  cacheControl: string | null
}

/** What a bounded form POST answered. The body is read (within the size bound) for a 200 only. */
export interface PostedForm {
  status: number
  /** `Content-Type` response header, if any. */
  contentType: string | null
  /** The body of a 200 response; `''` for any other status. */
  text: string
}

/** Why a fetch failed, for events and logs (no response bodies are ever included). */
export class FetchJsonError extends Error {
  override readonly name = 'FetchJsonError'
  /** Whether waiting can help (`outage`) or the configuration must change (`configuration`). */
  readonly kind: FailureKind
  constructor(message: string, options?: { cause?: unknown; kind?: FailureKind | undefined }) {
    super(message, options)
    this.kind = options?.kind ?? 'outage'
  }
}

// A request timeout, "too early" and rate limiting pass like a 5xx; any other 4xx answers the same way next time.
const TRANSIENT_CLIENT_ERRORS = new Set([408, 425, 429])

function statusKind(status: number): FailureKind {
  return status >= 400 && status < 500 && !TRANSIENT_CLIENT_ERRORS.has(status) ? 'configuration' : 'outage'
}

const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** GETs `url` and parses its JSON body, within the given bounds. */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<FetchedJson> {
  if (/^http:/i.test(url) && options.allowInsecureHttp !== true) {
    throw new FetchJsonError(`refused to fetch ${url} over plain http (allowInsecureHttp is not set)`, { kind: 'configuration' })
  }
  const signal = AbortSignal.timeout(options.timeoutDuration)
  try {
    return await fetchWithinBudget(new URL(url), options, signal)
  } catch (error) {
    if (error instanceof FetchJsonError) throw error
    if (signal.aborted) throw new FetchJsonError(`timed out after ${options.timeoutDuration} ms`, { cause: error })
    throw new FetchJsonError(`request failed: ${describe(error)}`, { cause: error })
  }
}

/**
 * POSTs `form` (`application/x-www-form-urlencoded`) to `url` within the given bounds. A redirect is not
 * followed, the form may carry a token and credentials, and is answered like any other status: the
 * caller tells its own misconfiguration (4xx) from an outage (5xx).
 */
export async function postForm(url: string, form: URLSearchParams, options: FetchJsonOptions): Promise<PostedForm> {
  if (/^http:/i.test(url) && options.allowInsecureHttp !== true) {
    throw new FetchJsonError(`refused to post to ${url} over plain http (allowInsecureHttp is not set)`, { kind: 'configuration' })
  }
  const signal = AbortSignal.timeout(options.timeoutDuration)
  const call: FetchFunction = options.fetch ?? (globalFetch as FetchFunction)
  try {
    const init: FetchInit = { method: 'POST', signal, redirect: 'manual', headers: { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }
    const response = await untilAborted(Promise.resolve().then(() => call(url, init)), signal)
    assertResponse(response)
    if (response.redirected === true) {
      discard(response)
      throw new FetchJsonError('the fetch followed a redirect itself: pass init.redirect ("manual") on to it', { kind: 'configuration' })
    }
    const contentType = response.headers.get('content-type')
    if (response.status !== 200) {
      discard(response)
      return { status: response.status, contentType, text: '' }
    }
    return { status: 200, contentType, text: await readBounded(response, options.maxResponseSize, signal) }
  } catch (error) {
    if (error instanceof FetchJsonError) throw error
    if (signal.aborted) throw new FetchJsonError(`timed out after ${options.timeoutDuration} ms`, { cause: error })
    throw new FetchJsonError(`request failed: ${describe(error)}`, { cause: error })
  }
}

async function fetchWithinBudget(start: URL, options: FetchJsonOptions, signal: AbortSignal): Promise<FetchedJson> {
  const call: FetchFunction = options.fetch ?? (globalFetch as FetchFunction)
  let target = start
  for (let hop = 0; ; hop++) {
    const init: FetchInit = { method: 'GET', signal, redirect: 'manual', headers: { accept: 'application/json', ...options.headers } }
    const response = await untilAborted(Promise.resolve().then(() => call(target.href, init)), signal)
    assertResponse(response)
    if (response.redirected === true) {
      discard(response)
      throw new FetchJsonError('the fetch followed a redirect itself: pass init.redirect ("manual") on to it, tokenguard follows same-origin redirects itself', { kind: 'configuration' })
    }
    if (REDIRECT_STATUSES.has(response.status)) {
      discard(response)
      target = nextHop(target, response.headers.get('location'), hop)
      continue
    }
    if (response.status !== 200) {
      discard(response)
      throw new FetchJsonError(`unexpected HTTP status ${response.status}`, { kind: statusKind(response.status) })
    }
    const text = await readBounded(response, options.maxResponseSize, signal)
    return { body: parseJson(text), cacheControl: response.headers.get('cache-control') }
  }
}

const globalFetch = (url: string, init: FetchInit) => fetch(url, init)

// A custom fetch is the application's code: what it resolves with is checked before it is read.
function assertResponse(response: unknown): asserts response is FetchResponse {
  const candidate = response as Partial<FetchResponse> | null
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.status !== 'number' || typeof candidate.headers?.get !== 'function') {
    throw new FetchJsonError('the fetch resolved with something that is not a response (no numeric status, no headers.get)', { kind: 'configuration' })
  }
}

/** Rejects with the budget's timeout as soon as `signal` aborts, whether or not `promise` ever settles. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function nextHop(from: URL, location: string | null, hop: number): URL {
  if (hop >= MAX_REDIRECTS) throw new FetchJsonError(`more than ${MAX_REDIRECTS} redirects`, { kind: 'configuration' })
  if (location === null) throw new FetchJsonError('redirect without a Location header', { kind: 'configuration' })
  const next = new URL(location, from)
  if (next.origin !== from.origin) throw new FetchJsonError(`refused a redirect to another origin (${next.origin})`, { kind: 'configuration' })
  return next
}

async function readBounded(response: FetchResponse, maxBytes: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    discard(response)
    throw new FetchJsonError(`response of ${declared} bytes exceeds the ${maxBytes} byte limit (maxResponseSize)`, { kind: 'configuration' })
  }
  if (response.body === null || response.body === undefined) return ''
  const chunks: Uint8Array[] = []
  let received = 0
  const iterator = chunksOf(response.body)
  try {
    for (;;) {
      const { done, value } = await untilAborted(iterator.next(), signal)
      if (done === true) break
      if (!(value instanceof Uint8Array)) throw new FetchJsonError('the response body yielded something other than bytes', { kind: 'configuration' })
      received += value.byteLength
      if (received > maxBytes) throw new FetchJsonError(`response exceeds the ${maxBytes} byte limit (maxResponseSize)`, { kind: 'configuration' })
      chunks.push(value)
    }
  } catch (error) {
    void iterator.return?.().catch(() => undefined) // stop the transfer; the failure is what matters
    throw error
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, received))
}

/** The body's chunks, whether it is a Fetch API stream or a Node stream (node-fetch). */
function chunksOf(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      return: async () => {
        await reader.cancel()
        return { done: true, value: undefined }
      },
    }
  }
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') return (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  throw new FetchJsonError('the response body is neither a stream nor an async iterable of bytes', { kind: 'configuration' })
}

/** Drops a body that will not be read, without waiting for it. */
function discard(response: FetchResponse): void {
  const body = response.body as { cancel?: () => Promise<void>; destroy?: () => void } | null
  if (typeof body?.cancel === 'function') void body.cancel().catch(() => undefined)
  else if (typeof body?.destroy === 'function') body.destroy()
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new FetchJsonError('response is not valid JSON', { cause: error, kind: 'configuration' })
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message
  return String(cause)
}
