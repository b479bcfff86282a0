/** The options of `createTestIssuer()`, their defaults, and their validation (a wrong option is a `TypeError`). */
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys.js'
import { DEFAULT_CLIENT_ID } from './shapes.js'

/** Options of `createTestIssuer()`. */
export interface TestIssuerOptions {
  /**
   * The algorithms the issuer publishes a key for (one RSA key takes a few hundred milliseconds to make,
   * so only what you need); the first is what `sign()` uses by default. Default is `['RS256']`.
   */
  algorithms?: readonly SigningAlgorithm[] | undefined
  /** The `aud` of minted tokens (your API's identifier). Default is `'https://api.example.test'`. */
  audience?: string | readonly string[] | undefined
  /** The client tokens are issued to (`client_id`, `sub`…). Default is `'test-client'`. */
  clientId?: string | undefined
  /**
   * The issuer's path on `http://127.0.0.1:PORT`: `issuer` is the origin followed by it, exactly (a
   * trailing `/` stays). Default is `''`. See `layouts` for each provider's.
   */
  path?: string | undefined
  /** Where the JWK Set is served. Default is the issuer's path followed by `/.well-known/jwks.json`. */
  jwksPath?: string | undefined
  /** More members for the discovery documents (both locations), e.g. `token_endpoint`. */
  metadata?: Record<string, unknown> | undefined
  /** A `Cache-Control` header for the JWK Set response, e.g. `'max-age=60'`. Default is none. */
  cacheControl?: string | undefined
}

/** The options with every default applied. */
export interface SettledIssuerOptions {
  algorithms: readonly SigningAlgorithm[]
  audience: string | readonly string[]
  clientId: string
  path: string
  jwksPath: string
  /** The two well-known metadata locations on the origin. */
  discoveryPaths: { openidConfiguration: string; oauthAuthorizationServer: string }
  metadata: Record<string, unknown>
  cacheControl: string | undefined
}

export const DEFAULT_AUDIENCE = 'https://api.example.test'
const KNOWN = new Set(['algorithms', 'audience', 'clientId', 'path', 'jwksPath', 'metadata', 'cacheControl'])
const PROTECTED_METADATA = ['issuer', 'jwks_uri']

export function settleIssuerOptions(options: TestIssuerOptions): SettledIssuerOptions {
  if (typeof options !== 'object' || options === null) throw fail('options must be an object')
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) throw fail(`createTestIssuer() has no option "${name}" (known: ${[...KNOWN].join(', ')})`)
  }
  const path = settlePath(options.path ?? '', 'path', true)
  const trimmed = path.replace(/\/$/, '')
  // RFC 8414 §3.1 puts the issuer's path after the well-known part; OIDC Discovery appends to it.
  const discoveryPaths = { openidConfiguration: `${trimmed}/.well-known/openid-configuration`, oauthAuthorizationServer: `/.well-known/oauth-authorization-server${trimmed}` }
  const jwksPath = settlePath(options.jwksPath ?? `${trimmed}/.well-known/jwks.json`, 'jwksPath', false)
  if (Object.values(discoveryPaths).includes(jwksPath)) throw fail('"jwksPath" must differ from the discovery locations')
  return {
    algorithms: settleAlgorithms(options.algorithms),
    audience: settleAudience(options.audience),
    clientId: nonEmpty(options.clientId ?? DEFAULT_CLIENT_ID, 'clientId'),
    path,
    jwksPath,
    discoveryPaths,
    metadata: settleMetadata(options.metadata),
    cacheControl: options.cacheControl === undefined ? undefined : nonEmpty(options.cacheControl, 'cacheControl'),
  }
}

function settleAlgorithms(value: TestIssuerOptions['algorithms']): readonly SigningAlgorithm[] {
  if (value === undefined) return ['RS256']
  if (!Array.isArray(value) || value.length === 0 || value.some((alg) => !SIGNING_ALGORITHMS.includes(alg))) {
    throw fail(`"algorithms" must be a non-empty list of ${SIGNING_ALGORITHMS.join(', ')}`)
  }
  if (new Set(value).size !== value.length) throw fail('"algorithms" lists an algorithm twice')
  return [...value]
}

function settleAudience(value: TestIssuerOptions['audience']): string | readonly string[] {
  if (value === undefined) return DEFAULT_AUDIENCE
  if (typeof value === 'string' && value !== '') return value
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && entry !== '')) return [...value]
  throw fail('"audience" must be a non-empty string or array of strings')
}

function settlePath(value: unknown, name: string, mayBeEmpty: boolean): string {
  const valid = typeof value === 'string' && (value === '' ? mayBeEmpty : value.startsWith('/')) && !/[?#\s]|\/\//.test(value)
  if (!valid) throw fail(`"${name}" must be a path starting with "/" (no query, fragment, spaces or "//")${mayBeEmpty ? ', or ""' : ''}`)
  return value
}

function settleMetadata(value: unknown): Record<string, unknown> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('"metadata" must be an object')
  for (const member of PROTECTED_METADATA) {
    if (member in value) throw fail(`"metadata" cannot set "${member}" (it follows "path" and "jwksPath")`)
  }
  return { ...value }
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw fail(`"${name}" must be a non-empty string`)
  return value
}

function fail(message: string): TypeError {
  return new TypeError(`@tokenguard/testing: ${message}`)
}
