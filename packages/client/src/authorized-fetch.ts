/**
 * fetch with a bearer token, retried once with a new token when the resource
 * server says the token is invalid (RFC 6750 §3.1 error="invalid_token").
 */
import type { FetchLike } from './http.js'
import type { TokenRequestOverrides } from './options.js'

interface TokenSource {
  getToken(overrides?: TokenRequestOverrides): Promise<string>
  invalidate(overrides?: TokenRequestOverrides, accessToken?: string): Promise<void>
}

/** Whether a WWW-Authenticate header carries a Bearer/DPoP challenge with error="invalid_token". */
export function isInvalidTokenChallenge(header: string | null): boolean {
  if (!header) return false
  return /(?:^|[\s,])(?:bearer|dpop)\b/i.test(header) && /(?:^|[\s,])error\s*=\s*"?invalid_token"?/i.test(header)
}

export async function authorizedFetch(
  source: TokenSource,
  fetchImpl: FetchLike,
  input: string | URL | Request,
  init: RequestInit | undefined,
  overrides: TokenRequestOverrides | undefined,
): Promise<Response> {
  // Keep an unsent template so the request (and its body) can be replayed once.
  const template = new Request(input, init)
  const send = (token: string): Promise<Response> => {
    const request = template.clone()
    request.headers.set('authorization', `Bearer ${token}`)
    return fetchImpl(request)
  }

  const token = await source.getToken(overrides)
  const response = await send(token)
  if (response.status !== 401 || !isInvalidTokenChallenge(response.headers.get('www-authenticate'))) {
    return response
  }
  // Release the first response before retrying.
  await response.body?.cancel().catch(() => undefined)
  await source.invalidate(overrides, token)
  const fresh = await source.getToken(overrides)
  return send(fresh)
}
