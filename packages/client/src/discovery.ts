/**
 * Authorization server metadata discovery: OpenID Connect Discovery first,
 * then RFC 8414. The metadata `issuer` must equal the configured issuer exactly.
 */
import { TokenRequestError } from './errors.js'
import { send, type TransportSettings } from './http.js'
import { checkEndpointUrl } from './url.js'

export interface DiscoveredMetadata {
  issuer: string
  tokenEndpoint: string
  tokenEndpointAuthMethodsSupported: string[] | undefined
}

/** The well-known URLs to try for an issuer, in order. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/+$/, '')
  return [
    // OpenID Connect Discovery 1.0 §4: appended to the issuer.
    `${url.origin}${path}/.well-known/openid-configuration`,
    // RFC 8414 §3.1: inserted between host and path.
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

export async function discover(issuer: string, settings: TransportSettings, allowInsecureHttp: boolean): Promise<DiscoveredMetadata> {
  const failures: string[] = []
  for (const url of discoveryUrls(issuer)) {
    const result = await send(url, async () => ({ method: 'GET', headers: { accept: 'application/json' } }), settings)
    if (result.status !== 200) {
      failures.push(`${url} answered HTTP ${result.status}`)
      continue
    }
    let metadata: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(result.body)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('not an object')
      metadata = parsed as Record<string, unknown>
    } catch {
      failures.push(`${url} did not return a JSON object`)
      continue
    }
    if (metadata.issuer !== issuer) {
      // A mismatch is a hard failure (possible mix-up); do not try further.
      throw new TokenRequestError({
        code: 'discovery_error',
        description: `metadata issuer ${JSON.stringify(String(metadata.issuer)).slice(0, 200)} does not equal the configured issuer ${JSON.stringify(issuer)}`,
      })
    }
    if (typeof metadata.token_endpoint !== 'string') {
      throw new TokenRequestError({ code: 'discovery_error', description: `metadata at ${url} has no token_endpoint` })
    }
    const tokenEndpoint = checkEndpointUrl(metadata.token_endpoint, 'token_endpoint', allowInsecureHttp)
    const methods = metadata.token_endpoint_auth_methods_supported
    return {
      issuer,
      tokenEndpoint,
      tokenEndpointAuthMethodsSupported: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : undefined,
    }
  }
  throw new TokenRequestError({ code: 'discovery_error', description: failures.join('; ') })
}
