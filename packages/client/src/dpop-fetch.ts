/**
 * fetch for a client with a DPoP key (RFC 9449 §7): `Authorization: DPoP <token>` with a fresh proof bound to
 * the token (`ath`) for DPoP tokens, `Bearer` for tokens the server issued unbound. One retry with the
 * server's nonce on `use_dpop_nonce`, and one with a new token on `invalid_token`, as `authorizedFetch` does.
 */
import { isInvalidTokenChallenge } from './authorized-fetch.js'
import type { DPoPSession } from './dpop-session.js'
import type { FetchLike } from './http.js'
import type { TokenRequestOverrides } from './options.js'
import type { CachedToken } from './store.js'

interface TokenSource {
  getTokenResponse(overrides?: TokenRequestOverrides): Promise<CachedToken>
  invalidate(overrides?: TokenRequestOverrides, accessToken?: string): Promise<void>
}

export async function dpopAuthorizedFetch(
  source: TokenSource,
  session: DPoPSession,
  fetchImpl: FetchLike,
  input: string | URL | Request,
  init: RequestInit | undefined,
  overrides: TokenRequestOverrides | undefined,
): Promise<Response> {
  // An unsent template, so the request (and its body) can be sent again.
  const template = new Request(input, init)
  const send = async (token: CachedToken): Promise<Response> => {
    const request = template.clone()
    if (token.tokenType.toLowerCase() === 'dpop') {
      request.headers.set('authorization', `DPoP ${token.accessToken}`)
      request.headers.set('dpop', await session.proof(request.url, request.method, token.accessToken))
    } else {
      request.headers.set('authorization', `Bearer ${token.accessToken}`)
    }
    return fetchImpl(request)
  }
  // wantsNonce() remembers any DPoP-Nonce of the answer, so the next proof for this origin carries it.
  const sendWithNonce = async (token: CachedToken): Promise<Response> => {
    const response = await send(token)
    if (!session.wantsNonce(template.url, { status: response.status, headers: response.headers })) return response
    await response.body?.cancel().catch(() => undefined)
    const retried = await send(token)
    session.observe(template.url, retried.headers)
    return retried
  }

  const token = await source.getTokenResponse(overrides)
  const response = await sendWithNonce(token)
  if (response.status !== 401 || !isInvalidTokenChallenge(response.headers.get('www-authenticate'))) return response
  await response.body?.cancel().catch(() => undefined)
  await source.invalidate(overrides, token.accessToken)
  return sendWithNonce(await source.getTokenResponse(overrides))
}
