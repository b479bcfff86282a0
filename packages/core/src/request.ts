/**
 * The request view: everything core reads from an HTTP request, whatever framework received it. Adapters
 * build one per request; nothing in core ever sees a framework's own request object.
 */

/** Node's `IncomingHttpHeaders` (lower-case names) or a Fetch API `Headers`. */
export type HeadersLike = Record<string, string | string[] | undefined> | { get(name: string): string | null }

/** One request, as core sees it. Only `headers` is always needed; the rest serves features that use it. */
export interface RequestView {
  /** HTTP method, upper case. A body token is never taken from a GET or HEAD; DPoP compares it with `htm`. */
  method?: string | undefined
  /**
   * The request target as received: path and query (`/items?id=1`), or an absolute URL when the runtime
   * gives one (Fetch API). Core builds the absolute URL, when a check needs it, with `absoluteUrl()`.
   */
  url?: string | undefined
  /** Whether the connection to this server is TLS (for the scheme of the absolute URL). */
  encrypted?: boolean | undefined
  /** Request headers. */
  headers: HeadersLike
  /** Parsed query string, when the framework parsed it (else `url` is read). */
  query?: unknown
  /** Parsed body, when the framework parsed it (body tokens only). */
  body?: unknown
  /** The TLS client certificate of the connection (DER bytes), when there is one (mTLS). */
  peerCertificate?: Uint8Array | undefined
  /** The peer's address, for logs and audit. */
  remoteAddress?: string | undefined
  /** The route's template (e.g. `/items/:id`, never the raw path), for logs and metrics. */
  route?: string | undefined
}

/** Reads one header from either kind of headers. */
export function headerValue(headers: HeadersLike, name: string): string | string[] | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined
  return (headers as Record<string, string | string[] | undefined>)[name]
}
