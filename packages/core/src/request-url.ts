/**
 * The absolute URL of a request, as the client addressed it (DPoP's `htu` is compared with it). A `Host` or
 * `X-Forwarded-*` header is whatever the client wrote, so neither is believed unless configuration says so:
 * either the API's public origin is configured, or every request is known to come through a proxy that
 * sets the forwarded headers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
import { headerValue, type RequestView } from './request.js'

/** Options that say where a request's absolute URL comes from. */
export interface RequestUrlOptions {
  /**
   * This API's public origin, e.g. `'https://api.example.com'`: request URLs are this origin plus the request
   * path, and `Host` / forwarded headers are never read. The safest choice. Default is none.
   */
  origin?: string | undefined
  /**
   * Believe `X-Forwarded-Proto` and `X-Forwarded-Host` (first value). Only for servers that every request
   * reaches through a proxy that overwrites these headers. Without it (and without `origin`), the scheme
   * comes from the connection and the host from `Host`. Default is `false`.
   */
  trustProxy?: boolean | undefined
}

/** The settled form of {@link RequestUrlOptions}. */
export interface RequestUrlSettings {
  readonly origin: string | undefined
  readonly trustProxy: boolean
}

/** Validates the request URL options once. */
export function settleRequestUrl(options: RequestUrlOptions): RequestUrlSettings {
  const { origin, trustProxy } = options
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') throw new TypeError('tokenguard: "trustProxy" must be a boolean')
  if (origin === undefined) return Object.freeze({ origin: undefined, trustProxy: trustProxy === true })
  if (typeof origin !== 'string' || !URL.canParse(origin)) throw new TypeError('tokenguard: "origin" must be an absolute URL such as "https://api.example.com"')
  const parsed = new URL(origin)
  if (parsed.origin !== origin.replace(/\/$/, '') || parsed.origin === 'null') {
    throw new TypeError(`tokenguard: "origin" must be a scheme and host only (no path, query or credentials); got "${origin}", use "${parsed.origin}"`)
  }
  return Object.freeze({ origin: parsed.origin, trustProxy: trustProxy === true })
}

/** The request's absolute URL, or `undefined` when it cannot be known (no origin, no usable `Host`). */
export function absoluteUrl(view: RequestView, settings: RequestUrlSettings): string | undefined {
  const target = view.url ?? '/'
  if (/^https?:\/\//i.test(target)) return settings.origin === undefined ? target : settings.origin + new URL(target).pathname + new URL(target).search
  if (settings.origin !== undefined) return settings.origin + target
  const scheme = (settings.trustProxy ? first(view, 'x-forwarded-proto') : undefined) ?? (view.encrypted ? 'https' : 'http')
  const host = (settings.trustProxy ? first(view, 'x-forwarded-host') : undefined) ?? first(view, 'host')
  if (host === undefined || !/^[a-z0-9.:[\]-]+$/i.test(host) || !/^https?$/i.test(scheme)) return undefined
  return `${scheme.toLowerCase()}://${host}${target}`
}

function first(view: RequestView, name: string): string | undefined {
  const value = headerValue(view.headers, name)
  const text = Array.isArray(value) ? value[0] : value
  const head = text?.split(',', 1)[0]?.trim()
  return head === '' ? undefined : head
}
