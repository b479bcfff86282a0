/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document that tells a client which authorization
 * servers issue tokens for this API, which scopes exist and how tokens may be sent, and where that document
 * lives. Built and validated once at startup; adapters serve the ready-made body.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728
 */
import type { BindingSettings } from './binding-options.js'
import { optionalDuration, type Duration } from './duration.js'
import type { VerifierSettings } from './options.js'

/** What goes into the document. Field names are the RFC's, in camelCase. */
export interface ResourceMetadataOptions {
  /**
   * This API's resource identifier (RFC 9728 §1.2, RFC 8707): an `https` URL without query or fragment,
   * usually the API's base URL. It is the `aud` tokens must carry, and the document's `resource` is
   * exactly this string. `http` is accepted only for loopback hosts (local development). Required.
   */
  resource: string
  /** Issuer identifiers of the authorization servers that issue tokens for this API (`authorization_servers`). */
  authorizationServers?: readonly string[] | undefined
  /** Where this API publishes its own keys (`jwks_uri`), only if it signs responses. Default is none. */
  jwksUri?: string | undefined
  /** Scopes this API understands (`scopes_supported`). Default is none (field omitted). */
  scopesSupported?: readonly string[] | undefined
  /** Adds `body` to `bearer_methods_supported` (RFC 6750 §2.2); mirror the verifier's option. Default is `false`. */
  allowBodyToken?: boolean | undefined
  /** Adds `query` to `bearer_methods_supported` (RFC 6750 §2.3); mirror the verifier's option. Default is `false`. */
  allowQueryToken?: boolean | undefined
  /** JWS algorithms this API signs responses with (`resource_signing_alg_values_supported`). Default is none. */
  resourceSigningAlgValuesSupported?: readonly string[] | undefined
  /** Human-readable name (`resource_name`). Default is none. */
  resourceName?: string | undefined
  /** URL of developer documentation (`resource_documentation`). Default is none. */
  resourceDocumentation?: string | undefined
  /** URL of the data usage policy (`resource_policy_uri`). Default is none. */
  resourcePolicyUri?: string | undefined
  /** URL of the terms of service (`resource_tos_uri`). Default is none. */
  resourceTosUri?: string | undefined
  /**
   * `tls_client_certificate_bound_access_tokens` (RFC 8705). Only with a verifier that checks certificate-bound
   * tokens. Default: `true` when the verifier's `mtls` option is set and not `'off'`, else omitted (`false`).
   */
  tlsClientCertificateBoundAccessTokens?: boolean | undefined
  /**
   * `dpop_signing_alg_values_supported` (RFC 9449): a subset of the verifier's DPoP algorithms. Default: the
   * verifier's DPoP algorithms when it accepts DPoP, else omitted.
   */
  dpopSigningAlgValuesSupported?: readonly string[] | undefined
  /**
   * `dpop_bound_access_tokens_required` (RFC 9449): `true` only with `dpop: 'required'`. Default: whether the
   * verifier requires DPoP, when it accepts DPoP, else omitted (`false`).
   */
  dpopBoundAccessTokensRequired?: boolean | undefined
  /**
   * Further fields, written as given (snake_case, as they appear in the document). They may not replace a
   * field set above. Default is none.
   */
  additionalFields?: Readonly<Record<string, unknown>> | undefined
}

/** The document (RFC 9728 §2). */
export interface ProtectedResourceMetadata {
  resource: string
  authorization_servers?: string[]
  jwks_uri?: string
  scopes_supported?: string[]
  bearer_methods_supported: string[]
  resource_signing_alg_values_supported?: string[]
  resource_name?: string
  resource_documentation?: string
  resource_policy_uri?: string
  resource_tos_uri?: string
  tls_client_certificate_bound_access_tokens?: boolean
  dpop_signing_alg_values_supported?: string[]
  dpop_bound_access_tokens_required?: boolean
  [field: string]: unknown
}

/** The well-known path suffix of RFC 9728 §3. */
export const RESOURCE_METADATA_SUFFIX = '/.well-known/oauth-protected-resource'

/**
 * Builds the document, validating every field once (a `TypeError` names the bad one).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export function buildResourceMetadata(options: ResourceMetadataOptions, enforced?: BindingSettings): ProtectedResourceMetadata {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: resource metadata options must be an object')
  parseResource(options.resource)
  assertOnlyEnforcedBindings(options, enforced)
  // `resource` is echoed exactly as configured: clients compare it with the identifier they started from (§3.3).
  const document: Record<string, unknown> = { resource: options.resource }
  setList(document, 'authorization_servers', options.authorizationServers, (value) => requireAbsoluteUrl(value, 'authorizationServers'))
  if (options.jwksUri !== undefined) document.jwks_uri = requireAbsoluteUrl(options.jwksUri, 'jwksUri')
  setList(document, 'scopes_supported', options.scopesSupported, (value) => requireToken(value, 'scopesSupported'))
  document.bearer_methods_supported = ['header', ...(options.allowBodyToken === true ? ['body'] : []), ...(options.allowQueryToken === true ? ['query'] : [])]
  setList(document, 'resource_signing_alg_values_supported', options.resourceSigningAlgValuesSupported, (value) => requireToken(value, 'resourceSigningAlgValuesSupported'))
  if (options.resourceName !== undefined) document.resource_name = requireString(options.resourceName, 'resourceName')
  if (options.resourceDocumentation !== undefined) document.resource_documentation = requireAbsoluteUrl(options.resourceDocumentation, 'resourceDocumentation')
  if (options.resourcePolicyUri !== undefined) document.resource_policy_uri = requireAbsoluteUrl(options.resourcePolicyUri, 'resourcePolicyUri')
  if (options.resourceTosUri !== undefined) document.resource_tos_uri = requireAbsoluteUrl(options.resourceTosUri, 'resourceTosUri')
  if (options.tlsClientCertificateBoundAccessTokens !== undefined) document.tls_client_certificate_bound_access_tokens = requireBoolean(options.tlsClientCertificateBoundAccessTokens, 'tlsClientCertificateBoundAccessTokens')
  setList(document, 'dpop_signing_alg_values_supported', options.dpopSigningAlgValuesSupported, (value) => requireToken(value, 'dpopSigningAlgValuesSupported'))
  if (options.dpopBoundAccessTokensRequired !== undefined) document.dpop_bound_access_tokens_required = requireBoolean(options.dpopBoundAccessTokensRequired, 'dpopBoundAccessTokensRequired')
  for (const [name, value] of Object.entries(options.additionalFields ?? {})) {
    if (Object.hasOwn(document, name)) throw new TypeError(`tokenguard: additional resource metadata field "${name}" would replace a standard one`)
    document[name] = value
  }
  return document as ProtectedResourceMetadata
}

/**
 * The path where the document for `resource` is served (RFC 9728 §3.1): the well-known suffix inserted
 * between the host and the resource's path. `https://api.example.com` → `/.well-known/oauth-protected-resource`,
 * `https://api.example.com/mcp` → `/.well-known/oauth-protected-resource/mcp`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1
 */
export function resourceMetadataPath(resource: string): string {
  const url = parseResource(resource)
  // "any terminating slash following the host component MUST be removed": only a bare "/" path goes.
  return url.pathname === '/' ? RESOURCE_METADATA_SUFFIX : `${RESOURCE_METADATA_SUFFIX}${url.pathname}`
}

/** The absolute URL of the document for `resource`: what challenges carry in `resource_metadata` (§5.1). */
export function resourceMetadataUrl(resource: string): string {
  return `${parseResource(resource).origin}${resourceMetadataPath(resource)}`
}

/**
 * The document's options a verifier already knows: its issuers as the authorization servers (none when a
 * resolver decides which issuers are trusted), and the token methods it accepts. Explicit options win.
 */
export function resourceMetadataDefaults(settings: Pick<VerifierSettings, 'issuers' | 'extract'> & Partial<Pick<VerifierSettings, 'binding'>>): Partial<ResourceMetadataOptions> {
  const { dpop, mtls } = settings.binding ?? {}
  return {
    ...(settings.issuers.length === 0 ? {} : { authorizationServers: [...settings.issuers] }),
    allowBodyToken: settings.extract.allowBodyToken === true,
    allowQueryToken: settings.extract.allowQueryToken === true,
    ...(dpop !== undefined && dpop.mode !== 'off' ? { dpopSigningAlgValuesSupported: [...dpop.algorithms], dpopBoundAccessTokensRequired: dpop.mode === 'required' } : {}),
    ...(mtls !== undefined && mtls.explicit && mtls.mode !== 'off' ? { tlsClientCertificateBoundAccessTokens: true } : {}),
  }
}

/**
 * Refuses, at startup, a verifier whose challenges would not point at the document being served: every
 * challenge must carry `resource_metadata="<url>"` (RFC 9728 §5.1, MCP authorization).
 */
export function assertChallengeAdvertises(settings: Pick<VerifierSettings, 'challenge'>, url: string): void {
  if (settings.challenge.resourceMetadata !== url) {
    throw new TypeError(`tokenguard: the verifier's challenges must advertise the resource metadata: create it with resourceMetadata: ${JSON.stringify(url)} (resourceMetadataUrl(resource))`)
  }
}

/** What an adapter serves: the path, and the response, computed once. */
export interface ResourceMetadataResponse {
  path: string
  url: string
  document: ProtectedResourceMetadata
  body: string
  headers: Readonly<Record<string, string>>
}

/**
 * The response an adapter sends for the document: JSON, cacheable for `cacheMaxAge` (milliseconds or a
 * duration string such as `'1h'`; accepted: 0 – 7 days; default 3600000, 1 hour), readable cross-origin
 * (public metadata that browser-based clients fetch).
 */
export function resourceMetadataResponse(options: ResourceMetadataOptions, cacheMaxAgeOption?: Duration, enforced?: BindingSettings): ResourceMetadataResponse {
  const cacheMaxAge = optionalDuration(cacheMaxAgeOption, 3_600_000, 'cacheMaxAge', { min: 0, max: 7 * 86_400_000, example: '1h' })
  const document = buildResourceMetadata(options, enforced)
  const headers = Object.freeze({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': `public, max-age=${Math.floor(cacheMaxAge / 1000)}`,
    'access-control-allow-origin': '*',
  })
  return Object.freeze({ path: resourceMetadataPath(options.resource), url: resourceMetadataUrl(options.resource), document, body: JSON.stringify(document), headers })
}

/** Headers of the answer to a CORS preflight for the document (adapters answer `OPTIONS` with 204). */
export const RESOURCE_METADATA_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-max-age': '86400',
})

/** What an adapter's metadata option takes besides the document's fields. */
export interface ResourceMetadataServingOptions extends ResourceMetadataOptions {
  /**
   * How long clients may cache the document: milliseconds, or a string with its unit such as `'1h'` (a bare
   * number below 1000 is refused, as for every duration). Accepted: 0 – 7 days. Default 3600000 (1 hour).
   */
  cacheMaxAge?: Duration | undefined
}

/**
 * What every adapter does to serve the document: the verifier's defaults (issuers, bearer methods) under
 * the explicit fields (`undefined` ones ignored), the response computed once, and — with a verifier — the
 * startup check that its challenges advertise this document.
 */
export function resourceMetadataFor(
  options: ResourceMetadataServingOptions,
  verifier?: { readonly settings: Pick<VerifierSettings, 'issuers' | 'extract' | 'challenge'> & Partial<Pick<VerifierSettings, 'binding'>> },
): ResourceMetadataResponse {
  const { cacheMaxAge, ...fields } = options
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
  const defaults = verifier === undefined ? {} : resourceMetadataDefaults(verifier.settings)
  const response = resourceMetadataResponse({ ...defaults, ...defined } as ResourceMetadataOptions, cacheMaxAge, verifier?.settings.binding)
  if (verifier !== undefined) assertChallengeAdvertises(verifier.settings, response.url)
  return response
}

/**
 * Advertising a sender constraint that nothing enforces would tell clients their stolen-token protection is
 * on when it is not: a binding field may only say what the verifier enforces, and without a verifier to ask
 * (`buildResourceMetadata` alone) none may be set.
 */
function assertOnlyEnforcedBindings(options: ResourceMetadataOptions, enforced: BindingSettings | undefined): void {
  const unenforced: string[] = []
  const dpop = enforced?.dpop
  if (options.dpopSigningAlgValuesSupported !== undefined) {
    const extra = Array.isArray(options.dpopSigningAlgValuesSupported) ? options.dpopSigningAlgValuesSupported.filter((alg) => dpop === undefined || dpop.mode === 'off' || !dpop.algorithms.includes(alg)) : ['(not an array)']
    if (extra.length > 0) unenforced.push(`dpopSigningAlgValuesSupported (${extra.join(', ')})`)
  }
  if (options.dpopBoundAccessTokensRequired === true && dpop?.mode !== 'required') unenforced.push('dpopBoundAccessTokensRequired (the verifier\'s "dpop" is not "required")')
  if (options.tlsClientCertificateBoundAccessTokens === true && (enforced === undefined || enforced.mtls.mode === 'off')) unenforced.push('tlsClientCertificateBoundAccessTokens')
  if (unenforced.length === 0) return
  const fix = enforced === undefined ? 'serve the document with the verifier (resourceMetadataFor / the adapters\' protectedResourceMetadata option), which publishes what it enforces' : 'configure the verifier\'s "dpop" / "mtls" options, or remove the field(s)'
  throw new TypeError(`tokenguard: resource metadata advertises ${unenforced.join(', ')}, which this verifier does not enforce; ${fix}`)
}

/**
 * The verifier options with `resourceMetadata` pointing at the document served for `metadata.resource`, so
 * that every challenge advertises it; used by adapters that create the verifier themselves. A different
 * `resourceMetadata` given by hand is a configuration error.
 */
export function advertiseResourceMetadata<T extends { resourceMetadata?: string | undefined }>(options: T, metadata: { resource: string } | undefined): T {
  if (metadata === undefined) return options
  const url = resourceMetadataUrl(metadata.resource)
  if (options.resourceMetadata !== undefined && options.resourceMetadata !== url) {
    throw new TypeError(`tokenguard: "resourceMetadata" (${options.resourceMetadata}) differs from the served document's URL ${url}`)
  }
  return { ...options, resourceMetadata: url }
}

function parseResource(resource: unknown): URL {
  const url = typeof resource === 'string' && URL.canParse(resource) ? new URL(resource) : undefined
  const secure = url !== undefined && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))
  if (url === undefined || !secure || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || /[?#]/.test(resource as string)) {
    throw new TypeError('tokenguard: "resource" must be an https URL without query or fragment (http only on loopback)')
  }
  return url
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

function setList(document: Record<string, unknown>, field: string, values: readonly string[] | undefined, check: (value: unknown) => string): void {
  if (values === undefined) return
  if (!Array.isArray(values)) throw new TypeError(`tokenguard: resource metadata "${field}" must be an array`)
  document[field] = values.map(check)
}

function requireAbsoluteUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TypeError(`tokenguard: resource metadata "${name}" must hold absolute http(s) URLs`)
  }
  return value
}

function requireToken(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value)) throw new TypeError(`tokenguard: resource metadata "${name}" holds an invalid value ${JSON.stringify(value)}`)
  return value
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`tokenguard: resource metadata "${name}" must be a non-empty string`)
  return value
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`tokenguard: resource metadata "${name}" must be a boolean`)
  return value
}
