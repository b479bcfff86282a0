/**
 * Authorization server metadata discovery: OpenID Connect Discovery first, then RFC 8414.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import { ConfigurationError, isConfigurationError } from './errors.js'
import { fetchJson, FetchJsonError, type FetchJsonOptions } from './fetch-json.js'
import { requireKeySetUrl } from './issuer-identifier.js'

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
 * configured one (RFC 8414 §3.3) and `required` (default `jwks_uri`; `introspection_endpoint` for opaque
 * tokens) an absolute `https` URL (`http` only with `allowInsecureHttp`, and never for an `https` issuer);
 * otherwise the document is not used. An endpoint the caller does not need never fails the document: an
 * unusable one is left out.
 *
 * @throws {ConfigurationError} when the server answered and the answer shows the configuration cannot work:
 *   a document naming another issuer (both strings side by side), an unusable `required` endpoint, or nothing at
 *   either location (404).
 * @throws {FetchJsonError} when the server did not answer usefully (down, timeout, 5xx): an outage.
 */
export async function discover(issuer: string, options: FetchJsonOptions, required: RequiredEndpoint = 'jwks_uri'): Promise<AuthorizationServerMetadata> {
  const failures: Array<{ url: string; error: unknown }> = []
  // One budget for the whole discovery: a hanging first location must not double the wait.
  const deadline = Date.now() + options.timeoutDuration
  for (const url of discoveryUrls(issuer)) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      failures.push({ url, error: new FetchJsonError(`not tried, the ${options.timeoutDuration} ms budget is spent`) })
      break
    }
    try {
      const { body } = await fetchJson(url, { ...options, timeoutDuration: remaining })
      return validateMetadata(body, issuer, url, options.allowInsecureHttp === true, required)
    } catch (error) {
      failures.push({ url, error })
    }
  }
  throw discoveryFailure(issuer, failures)
}

// A document that contradicts the configuration is the clearest diagnosis; nothing anywhere (404s only)
// is the next; anything else (down, timeout, 5xx) may pass, and is an outage.
function discoveryFailure(issuer: string, failures: Array<{ url: string; error: unknown }>): Error {
  const contradiction = failures.find(({ error }) => isConfigurationError(error))
  if (contradiction !== undefined) return contradiction.error as Error
  const summary = failures.map(({ url, error }) => `${url}: ${error instanceof Error ? error.message : String(error)}`).join('; ')
  if (failures.length > 0 && failures.every(({ error }) => error instanceof FetchJsonError && error.kind === 'configuration')) {
    return new ConfigurationError('issuer', `no authorization server metadata found for issuer ${JSON.stringify(issuer)} (${summary}) — set issuer to the exact issuer identifier your authorization server publishes, or set jwksUri`)
  }
  return new FetchJsonError(`discovery failed (${summary})`)
}

function validateMetadata(body: unknown, issuer: string, url: string, allowInsecureHttp: boolean, required: RequiredEndpoint): AuthorizationServerMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ConfigurationError('issuer', `the metadata at ${url} is not a JSON object — check issuer ${JSON.stringify(issuer)}`)
  }
  const metadata = body as Record<string, unknown>
  if (metadata.issuer !== issuer) {
    const published = typeof metadata.issuer === 'string' ? JSON.stringify(metadata.issuer) : `(${metadata.issuer === undefined ? 'missing' : typeof metadata.issuer})`
    const fix = typeof metadata.issuer === 'string' ? ` — set issuer to exactly ${JSON.stringify(metadata.issuer)}` : ''
    throw new ConfigurationError('issuer', `metadata issuer ${published} differs from the configured issuer ${JSON.stringify(issuer)}${fix} (read from ${url}; RFC 8414 §3.3 requires them identical)`)
  }
  try {
    requireKeySetUrl(metadata[required], required, allowInsecureHttp, issuer)
  } catch (error) {
    const fix = required === 'introspection_endpoint' ? ' — set introspection.endpoint' : ''
    throw new ConfigurationError('issuer', `the metadata of issuer ${JSON.stringify(issuer)} (${url}) has no usable ${required}: ${(error as Error).message.replace(/^tokenguard: /, '')}${fix}`, { cause: error })
  }
  const usable = { ...metadata }
  for (const name of ENDPOINTS) if (name !== required && !isUsableEndpoint(usable[name], allowInsecureHttp, issuer)) delete usable[name]
  return usable as AuthorizationServerMetadata
}

function isUsableEndpoint(value: unknown, allowInsecureHttp: boolean, issuer: string): boolean {
  try {
    requireKeySetUrl(value, 'endpoint', allowInsecureHttp, issuer)
    return true
  } catch {
    return false
  }
}
