/**
 * Authorization server metadata discovery, by the same rules as @tokenguard/core's: OpenID Connect
 * Discovery's location first, then RFC 8414's path-inserted one; a document is used only if its `issuer`
 * equals the configured issuer exactly (RFC 8414 §3.3); one time budget covers the whole discovery, so a
 * hanging first location cannot double the wait; bodies are read with a size cap; redirects are followed
 * on the same origin only, a few hops.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import { TokenRequestError } from './errors.js'
import type { FetchLike } from './http.js'
import { readBounded } from './read-body.js'
import { checkEndpointUrl } from './url.js'

export interface DiscoveryOptions {
  fetch: FetchLike
  /** Budget of the whole discovery (every location, bodies included), in ms. */
  timeoutDuration: number
  /** Largest accepted metadata document, in bytes. */
  maxResponseSize: number
  allowInsecureHttp: boolean
}

export interface DiscoveredMetadata {
  issuer: string
  tokenEndpoint: string
  tokenEndpointAuthMethodsSupported: string[] | undefined
}

/** Why one location was not used; collected into the discovery_error. */
class LocationFailure extends Error {}

const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** The two well-known locations for `issuer`, in the order they are tried. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return [
    // OpenID Connect Discovery 1.0 §4: appended to the issuer.
    `${url.origin}${path}/.well-known/openid-configuration`,
    // RFC 8414 §3.1: inserted between host and path.
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

export async function discover(issuer: string, options: DiscoveryOptions): Promise<DiscoveredMetadata> {
  const failures: string[] = []
  const budget = AbortSignal.timeout(options.timeoutDuration)
  for (const url of discoveryUrls(issuer)) {
    if (budget.aborted) {
      failures.push(`${url}: not tried, the ${options.timeoutDuration} ms budget is spent`)
      break
    }
    try {
      return validateMetadata(await fetchMetadata(url, options, budget), issuer, options.allowInsecureHttp)
    } catch (error) {
      failures.push(`${url}: ${describeFailure(error, budget, options.timeoutDuration)}`)
    }
  }
  throw new TokenRequestError({ code: 'discovery_error', description: `discovery failed (${failures.join('; ')})` })
}

async function fetchMetadata(start: string, options: DiscoveryOptions, signal: AbortSignal): Promise<unknown> {
  let target = new URL(start)
  for (let hop = 0; ; hop++) {
    const response = await options.fetch(target.href, { signal, redirect: 'manual', headers: { accept: 'application/json' } })
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined)
      target = nextHop(target, response.headers.get('location'), hop)
      continue
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined)
      throw new LocationFailure(`unexpected HTTP status ${response.status}`)
    }
    const text = await readBounded(response, options.maxResponseSize)
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new LocationFailure('response is not valid JSON')
    }
  }
}

function nextHop(from: URL, location: string | null, hop: number): URL {
  if (hop >= MAX_REDIRECTS) throw new LocationFailure(`more than ${MAX_REDIRECTS} redirects`)
  if (location === null) throw new LocationFailure('redirect without a Location header')
  const next = new URL(location, from)
  if (next.origin !== from.origin) throw new LocationFailure(`refused a redirect to another origin (${next.origin})`)
  return next
}

function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value))
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

function validateMetadata(body: unknown, issuer: string, allowInsecureHttp: boolean): DiscoveredMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new LocationFailure('metadata is not a JSON object')
  const metadata = body as Record<string, unknown>
  if (metadata.issuer !== issuer) {
    throw new LocationFailure(`metadata "issuer" ${quote(metadata.issuer)} does not equal the configured issuer ${quote(issuer)} exactly`)
  }
  const endpoint = metadata.token_endpoint
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) throw new LocationFailure('metadata has no valid "token_endpoint"')
  if (new URL(endpoint).protocol !== 'https:' && new URL(issuer).protocol === 'https:') {
    throw new LocationFailure('metadata "token_endpoint" uses a weaker scheme than the issuer')
  }
  let tokenEndpoint: string
  try {
    tokenEndpoint = checkEndpointUrl(endpoint, 'metadata "token_endpoint"', allowInsecureHttp)
  } catch (error) {
    throw new LocationFailure((error as Error).message)
  }
  const methods = metadata.token_endpoint_auth_methods_supported
  return {
    issuer,
    tokenEndpoint,
    tokenEndpointAuthMethodsSupported: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : undefined,
  }
}

function describeFailure(error: unknown, budget: AbortSignal, timeoutDuration: number): string {
  if (error instanceof LocationFailure) return error.message
  if (error instanceof TokenRequestError) return error.description ?? error.code
  if (budget.aborted) return `timed out after ${timeoutDuration} ms`
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  return `request failed: ${typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error)}`
}
