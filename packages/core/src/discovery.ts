/**
 * Authorization server metadata discovery: OpenID Connect Discovery first, then RFC 8414.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import { fetchJson, FetchJsonError, type FetchJsonOptions } from './fetch-json.js'

/** The metadata fields tokenguard uses. */
export interface AuthorizationServerMetadata {
  issuer: string
  /** Present unless discovery was asked for `introspection_endpoint` only. */
  jwks_uri: string
  /** RFC 8414 §2 / RFC 7662 §4: where opaque tokens are introspected. */
  introspection_endpoint?: string | undefined
  [field: string]: unknown
}

/** The endpoint a caller of {@link discover} cannot do without. */
export type RequiredEndpoint = 'jwks_uri' | 'introspection_endpoint'

const ENDPOINTS: readonly RequiredEndpoint[] = ['jwks_uri', 'introspection_endpoint']

/** The two well-known locations for `issuer`, in the order they are tried. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

/**
 * Fetches and validates the metadata of `issuer`. The document's `issuer` must be identical to the
 * configured one (RFC 8414 §3.3), `required` (default `jwks_uri`) must be present, and every endpoint
 * tokenguard uses must be an absolute URL no weaker than the issuer's scheme; otherwise the document is
 * not used.
 */
export async function discover(issuer: string, options: FetchJsonOptions, required: RequiredEndpoint = 'jwks_uri'): Promise<AuthorizationServerMetadata> {
  const failures: string[] = []
  // One budget for the whole discovery: a hanging first location must not double the wait.
  const deadline = Date.now() + options.timeoutDuration
  for (const url of discoveryUrls(issuer)) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      failures.push(`${url}: not tried, the ${options.timeoutDuration} ms budget is spent`)
      break
    }
    try {
      const { body } = await fetchJson(url, { ...options, timeoutDuration: remaining })
      return validateMetadata(body, issuer, required)
    } catch (error) {
      failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  throw new FetchJsonError(`discovery failed (${failures.join('; ')})`)
}

function validateMetadata(body: unknown, issuer: string, required: RequiredEndpoint): AuthorizationServerMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FetchJsonError('metadata is not a JSON object')
  const metadata = body as Record<string, unknown>
  if (metadata.issuer !== issuer) throw new FetchJsonError('metadata "issuer" does not match the configured issuer exactly')
  const problem = endpointProblem(metadata[required], issuer)
  if (problem !== undefined) throw new FetchJsonError(`metadata "${required}" ${problem}`)
  // An endpoint this caller does not need never fails the document; an unusable one is dropped, not used.
  const usable = { ...metadata }
  for (const name of ENDPOINTS) if (name !== required && endpointProblem(usable[name], issuer) !== undefined) delete usable[name]
  return usable as AuthorizationServerMetadata
}

function endpointProblem(value: unknown, issuer: string): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return 'is missing or not an absolute URL'
  const protocol = new URL(value).protocol
  if (protocol !== 'https:' && !(protocol === 'http:' && new URL(issuer).protocol === 'http:')) return 'uses a weaker scheme than the issuer'
  return undefined
}
