/**
 * A JSON GET with every dimension bounded: total time (connect, headers and body), body size (checked while
 * streaming, not after), and redirects (same origin only, a few hops). Used for discovery and key sets,
 * where the remote end is a dependency that can hang, flood or misbehave. A form POST under the same
 * bounds serves token introspection; it follows no redirect at all.
 *
 * Each failure says whose fault it probably is: an `outage` (no answer, a timeout, a 5xx, a 429) passes,
 * while a `configuration` failure (a 404, a redirect elsewhere, a body that is not JSON or too large) will
 * not change by waiting, unless someone changes the configuration or the server's publication.
 */

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
  try {
    const response = await fetch(url, {
      method: 'POST',
      signal,
      redirect: 'manual',
      headers: { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    const contentType = response.headers.get('content-type')
    if (response.status !== 200) {
      await response.body?.cancel()
      return { status: response.status, contentType, text: '' }
    }
    return { status: 200, contentType, text: await readBounded(response, options.maxResponseSize) }
  } catch (error) {
    if (error instanceof FetchJsonError) throw error
    if (signal.aborted) throw new FetchJsonError(`timed out after ${options.timeoutDuration} ms`, { cause: error })
    throw new FetchJsonError(`request failed: ${describe(error)}`, { cause: error })
  }
}

async function fetchWithinBudget(start: URL, options: FetchJsonOptions, signal: AbortSignal): Promise<FetchedJson> {
  let target = start
  for (let hop = 0; ; hop++) {
    const response = await fetch(target, {
      signal,
      redirect: 'manual',
      headers: { accept: 'application/json', ...options.headers },
    })
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel()
      target = nextHop(target, response.headers.get('location'), hop)
      continue
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new FetchJsonError(`unexpected HTTP status ${response.status}`, { kind: statusKind(response.status) })
    }
    const text = await readBounded(response, options.maxResponseSize)
    return { body: parseJson(text), cacheControl: response.headers.get('cache-control') }
  }
}

function nextHop(from: URL, location: string | null, hop: number): URL {
  if (hop >= MAX_REDIRECTS) throw new FetchJsonError(`more than ${MAX_REDIRECTS} redirects`, { kind: 'configuration' })
  if (location === null) throw new FetchJsonError('redirect without a Location header', { kind: 'configuration' })
  const next = new URL(location, from)
  if (next.origin !== from.origin) throw new FetchJsonError(`refused a redirect to another origin (${next.origin})`, { kind: 'configuration' })
  return next
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw new FetchJsonError(`response of ${declared} bytes exceeds the ${maxBytes} byte limit (maxResponseSize)`, { kind: 'configuration' })
  }
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > maxBytes) {
      await reader.cancel()
      throw new FetchJsonError(`response exceeds the ${maxBytes} byte limit (maxResponseSize)`, { kind: 'configuration' })
    }
    chunks.push(value)
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, received))
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
