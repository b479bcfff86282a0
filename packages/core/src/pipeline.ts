/**
 * The request pipeline every adapter calls: extract the token (RFC 6750 §2), verify it (the verifier's
 * cache, then the full check), apply the route's requirement — and answer with a {@link Decision}.
 * Synchronous whenever no I/O or crypto is needed (a cached token, no token, a malformed request), so that
 * adapters pay for no promise on the hot path; a promise otherwise — also for a cached token when a claim
 * predicate (the verifier's or the route's) answers with a promise. Refusals are decisions; anything else
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
  /**
   * The verified result if the token is in the verified-token cache (the token's size is checked first);
   * a promise of it when one of the verifier's claim predicates answers with a promise.
   */
  cached(token: string): AuthContext<object> | Promise<AuthContext<object>> | undefined
  /** The full check (signature, claims) of a token `cached` did not know; `request` is what a resolver is shown. */
  verify(token: string, request?: RequestView): Promise<AuthContext<object>>
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
    if (cached instanceof Promise) return cached.then((auth) => acceptedIfAuthorized<TClaims>(auth, requirement, settings), refusal)
    if (cached !== undefined) return acceptedIfAuthorized<TClaims>(cached, requirement, settings)
    assertTokenSyntax(token, settings.extract)
  } catch (error) {
    return refusal(error)
  }
  return tokens.verify(token, view).then((auth) => acceptedIfAuthorized<TClaims>(auth, requirement, settings), refusal)
}

function acceptedIfAuthorized<TClaims extends object>(
  auth: AuthContext<object>,
  requirement: RouteRequirement,
  settings: Pick<VerifierSettings, 'challenge'>,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  let pending: void | Promise<void>
  try {
    pending = authorize(auth, requirement, settings.challenge)
  } catch (error) {
    return refusal(error)
  }
  if (pending === undefined) return accepted(auth as AuthContext<TClaims>)
  return pending.then(() => accepted(auth as AuthContext<TClaims>), refusal)
}

function refusal(error: unknown): Decision<never> {
  if (isTokenGuardError(error)) return refused(error)
  throw error
}
