/**
 * One client_credentials token request (with retries) and the parsing of its
 * response into a CachedToken or a TokenRequestError.
 */
import { decodeJwt } from 'jose'
import { applyClientAuth, type ClientAuthConfig } from './client-auth.js'
import { TokenRequestError } from './errors.js'
import { send, type TransportSettings } from './http.js'
import { sanitize } from './redact.js'
import type { DPoPSession } from './dpop-session.js'
import type { CachedToken } from './store.js'

export interface TokenRequestSpec {
  tokenEndpoint: string
  assertionAudience: string
  auth: ClientAuthConfig
  scope: string | undefined
  audience: string | undefined
  resource: readonly string[] | undefined
  extraParams: Readonly<Record<string, string>>
  bodyFormat: 'form' | 'json'
  fallbackLifetimeDuration: number
  /** Values to redact from any server text (the secret, its Basic credentials); client assertions are added per request. */
  secrets: readonly string[]
  /** DPoP proofs for the token request, when the client has a DPoP key. */
  dpop?: DPoPSession | undefined
}

function encodeBody(params: Record<string, string>, resource: readonly string[] | undefined, format: 'form' | 'json') {
  if (format === 'json') {
    const json: Record<string, string | string[]> = { ...params }
    if (resource?.length) json.resource = resource.length === 1 ? resource[0]! : [...resource]
    return { contentType: 'application/json', body: JSON.stringify(json) }
  }
  const form = new URLSearchParams(params)
  for (const r of resource ?? []) form.append('resource', r)
  return { contentType: 'application/x-www-form-urlencoded', body: form.toString() }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function lifetimeOf(json: Record<string, unknown>, accessToken: string, fallback: number, now: number): number {
  const expiresIn = typeof json.expires_in === 'string' ? Number(json.expires_in) : json.expires_in
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) return expiresIn * 1000
  try {
    const { exp } = decodeJwt(accessToken)
    if (typeof exp === 'number' && exp * 1000 > now) return exp * 1000 - now
  } catch {
    // Not a JWT: use the fallback.
  }
  return fallback
}

/** Turns an HTTP result into a token or throws the matching TokenRequestError. */
export function parseTokenResponse(
  status: number,
  body: string,
  spec: Pick<TokenRequestSpec, 'fallbackLifetimeDuration' | 'scope' | 'secrets'> & Partial<Pick<TokenRequestSpec, 'dpop'>>,
  now = Date.now(),
): CachedToken {
  const json = parseJsonObject(body)
  const clean = (text: unknown) => (typeof text === 'string' ? sanitize(text, spec.secrets) : undefined)
  if (status < 200 || status >= 300) {
    if (json && typeof json.error === 'string') {
      throw new TokenRequestError({
        code: sanitize(json.error, spec.secrets).slice(0, 64) || 'invalid_response',
        description: clean(json.error_description),
        uri: clean(json.error_uri),
        status,
      })
    }
    const code = status >= 500 ? 'server_error' : 'invalid_response'
    throw new TokenRequestError({
      code,
      status,
      description:
        status >= 300 && status < 400 ? 'redirect from the token endpoint (not followed)' : `HTTP ${status} without an OAuth error body`,
    })
  }
  if (!json || typeof json.access_token !== 'string' || json.access_token === '') {
    throw new TokenRequestError({ code: 'invalid_response', status, description: 'response has no access_token' })
  }
  const tokenType = typeof json.token_type === 'string' ? json.token_type : 'Bearer'
  // A DPoP token only when we asked for one; a server without DPoP answers Bearer (RFC 9449 §5).
  if (tokenType.toLowerCase() !== 'bearer' && !(tokenType.toLowerCase() === 'dpop' && spec.dpop !== undefined)) {
    throw new TokenRequestError({
      code: 'invalid_response',
      status,
      description: `unsupported token_type ${JSON.stringify(clean(tokenType))}`,
    })
  }
  const lifetime = lifetimeOf(json, json.access_token, spec.fallbackLifetimeDuration, now)
  return {
    accessToken: json.access_token,
    tokenType,
    expiresAt: now + lifetime,
    obtainedAt: now,
    scope: typeof json.scope === 'string' ? json.scope : spec.scope,
    raw: json,
  }
}

/** Requests a token with grant_type=client_credentials, retrying transient failures. */
export async function requestToken(spec: TokenRequestSpec, transport: TransportSettings): Promise<CachedToken> {
  // Every client assertion sent is a bearer credential until it expires: redact it like the secret.
  const secrets = [...spec.secrets]
  const buildInit = async (): Promise<RequestInit> => {
    const headers: Record<string, string> = { accept: 'application/json' }
    const params: Record<string, string> = { ...spec.extraParams, grant_type: 'client_credentials' }
    if (spec.scope !== undefined) params.scope = spec.scope
    if (spec.audience !== undefined) params.audience = spec.audience
    // A fresh client assertion (new jti) for every attempt.
    await applyClientAuth(spec.auth, spec.assertionAudience, headers, params)
    if (params.client_assertion !== undefined) secrets.push(params.client_assertion)
    const { contentType, body } = encodeBody(params, spec.resource, spec.bodyFormat)
    headers['content-type'] = contentType
    if (spec.dpop !== undefined) headers.dpop = await spec.dpop.proof(spec.tokenEndpoint, 'POST')
    return { method: 'POST', headers, body }
  }
  let result
  try {
    result = await send(spec.tokenEndpoint, buildInit, transport)
    // RFC 9449 §8: a server that wants a nonce answers 400 use_dpop_nonce with one; ask again once, with it.
    // wantsNonce() also remembers a DPoP-Nonce sent with any other answer, for the next request.
    if (spec.dpop?.wantsNonce(spec.tokenEndpoint, result) === true) {
      result = await send(spec.tokenEndpoint, buildInit, transport)
      spec.dpop.observe(spec.tokenEndpoint, result.headers)
    }
  } catch (error) {
    if (error instanceof TokenRequestError) throw error
    // Errors thrown while building the request (e.g. key problems): no secrets in them.
    throw new TokenRequestError({
      code: 'invalid_request',
      description: sanitize(error instanceof Error ? error.message : String(error), secrets),
      cause: error,
    })
  }
  return parseTokenResponse(result.status, result.body, { ...spec, secrets })
}
