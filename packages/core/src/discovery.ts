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
  jwks_uri: string
  [field: string]: unknown
}

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
 * configured one (RFC 8414 §3.3) and `jwks_uri` must be an absolute URL no weaker than the issuer's
 * scheme; otherwise the document is not used.
 */
export async function discover(issuer: string, options: FetchJsonOptions): Promise<AuthorizationServerMetadata> {
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
      return validateMetadata(body, issuer)
    } catch (error) {
      failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  throw new FetchJsonError(`discovery failed (${failures.join('; ')})`)
}

function validateMetadata(body: unknown, issuer: string): AuthorizationServerMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FetchJsonError('metadata is not a JSON object')
  const metadata = body as Record<string, unknown>
  if (metadata.issuer !== issuer) throw new FetchJsonError('metadata "issuer" does not match the configured issuer exactly')
  const jwksUri = metadata.jwks_uri
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new FetchJsonError('metadata has no valid "jwks_uri"')
  const keysProtocol = new URL(jwksUri).protocol
  if (keysProtocol !== 'https:' && !(keysProtocol === 'http:' && new URL(issuer).protocol === 'http:')) {
    throw new FetchJsonError('metadata "jwks_uri" uses a weaker scheme than the issuer')
  }
  return metadata as AuthorizationServerMetadata
}
