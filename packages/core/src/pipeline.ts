/**
 * The request pipeline every adapter calls: extract the token (RFC 6750 §2), verify it (the verifier's
 * cache, then the full check), apply the route's requirement — and answer with a {@link Decision}.
 * Synchronous whenever no I/O or crypto is needed (a cached token, no token, a malformed request), so that
 * adapters pay for no promise on the hot path; a promise otherwise. Refusals are decisions; anything else
 * thrown is a bug and propagates as such.
 */
import type { AuthContext } from './auth-context.js'
import { accepted, ANONYMOUS, refused, type Decision } from './decision.js'
import { isTokenGuardError, MissingTokenError } from './errors.js'
import { assertTokenSyntax, extractCandidate } from './extract.js'
import type { VerifierSettings } from './options.js'
import type { RequestView } from './request.js'
import { authorize, type RouteRequirement } from './requirement.js'

/** How the pipeline reaches the verifier's token check. */
export interface TokenVerification {
  /** The verified result if the token is in the verified-token cache (the token's size is checked first). */
  cached(token: string): AuthContext<object> | undefined
  /** The full check (signature, claims) of a token `cached` did not know. */
  verify(token: string): Promise<AuthContext<object>>
}

/** Decides one request against one compiled route requirement. */
export function decide<TClaims extends object>(
  view: RequestView,
  requirement: RouteRequirement,
  settings: Pick<VerifierSettings, 'challenge' | 'extract'>,
  tokens: TokenVerification,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  let token: string | undefined
  try {
    token = extractCandidate(view, settings.extract)
    if (token === undefined) {
      if (requirement.optional) return ANONYMOUS
      return refused(new MissingTokenError({ ...settings.challenge, reason: 'missing_token' }))
    }
    const cached = tokens.cached(token)
    if (cached !== undefined) return acceptedIfAuthorized<TClaims>(cached, requirement, settings)
    assertTokenSyntax(token, settings.extract)
  } catch (error) {
    return refusal(error)
  }
  return tokens.verify(token).then((auth) => acceptedIfAuthorized<TClaims>(auth, requirement, settings), refusal)
}

function acceptedIfAuthorized<TClaims extends object>(auth: AuthContext<object>, requirement: RouteRequirement, settings: Pick<VerifierSettings, 'challenge'>): Decision<TClaims> {
  try {
    authorize(auth, requirement, settings.challenge)
  } catch (error) {
    return refusal(error)
  }
  return accepted(auth as AuthContext<TClaims>)
}

function refusal(error: unknown): Decision<never> {
  if (isTokenGuardError(error)) return refused(error)
  throw error
}
