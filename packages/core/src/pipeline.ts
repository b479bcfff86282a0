/**
 * The request pipeline every adapter calls: extract the token (RFC 6750 §2, RFC 9449 §7.1), verify it (the
 * verifier's cache, then the full check), confirm its sender binding (DPoP proof, client certificate) when it
 * has one, apply the route's requirement — and answer with a {@link Decision}. Synchronous whenever no I/O or
 * crypto is needed (a cached unbound token, no token, a malformed request), so that adapters pay for no
 * promise on the hot path; a promise otherwise. Refusals are decisions; anything else thrown is a bug and
 * propagates as such.
 */
import type { AuthContext } from './auth-context.js'
import type { ProofServices } from './binding-options.js'
import { confirmBinding, type Scheme, type VerifiedToken } from './binding.js'
import { accepted, ANONYMOUS, refused, type Decision } from './decision.js'
import type { ProofHeaders } from './dpop-proof.js'
import { isTokenGuardError, MissingTokenError } from './errors.js'
import { assertTokenSyntax, extractCredentials } from './extract.js'
import type { VerifierSettings } from './options.js'
import type { RequestView } from './request.js'
import type { RequestUrlSettings } from './request-url.js'
import { authorize, type RouteRequirement } from './requirement.js'

/** How the pipeline reaches the verifier's token check. */
export interface TokenVerification {
  /** The verified result if the token is in the verified-token cache (the token's size is checked first). */
  cached(token: string): VerifiedToken | undefined
  /** The full check (signature, claims) of a token `cached` did not know. */
  verify(token: string): Promise<VerifiedToken>
}

/** What the pipeline needs besides the token check: the request-level settings and the proof services. */
export type PipelineSettings = Pick<VerifierSettings, 'challenge' | 'extract'> & { readonly requestUrl: RequestUrlSettings; readonly services: ProofServices }

/** Decides one request against one compiled route requirement. */
export function decide<TClaims extends object>(view: RequestView, requirement: RouteRequirement, settings: PipelineSettings, tokens: TokenVerification): Decision<TClaims> | Promise<Decision<TClaims>> {
  let scheme: Scheme
  let token: string
  try {
    const credentials = extractCredentials(view, settings.extract)
    if (credentials === undefined) {
      if (requirement.optional) return ANONYMOUS
      return refused(new MissingTokenError({ ...settings.challenge, reason: 'missing_token' }))
    }
    ;({ token, scheme } = credentials)
    const cached = tokens.cached(token)
    if (cached !== undefined) return bound<TClaims>(cached, view, scheme, requirement, settings)
    assertTokenSyntax(token, settings.extract)
  } catch (error) {
    return refusal(error)
  }
  return tokens.verify(token).then((verified) => bound<TClaims>(verified, view, scheme, requirement, settings), refusal)
}

/** The binding check, then the requirement: synchronous when the token is unbound. */
function bound<TClaims extends object>(verified: VerifiedToken, view: RequestView, scheme: Scheme, requirement: RouteRequirement, settings: PipelineSettings): Decision<TClaims> | Promise<Decision<TClaims>> {
  let proving: Promise<ProofHeaders> | undefined
  try {
    proving = confirmBinding(verified, { view, scheme, services: settings.services, requestUrl: settings.requestUrl })
  } catch (error) {
    return refusal(error)
  }
  if (proving === undefined) return acceptedIfAuthorized<TClaims>(verified.context, requirement, settings, undefined)
  return proving.then((headers) => acceptedIfAuthorized<TClaims>(verified.context, requirement, settings, headers), refusal)
}

function acceptedIfAuthorized<TClaims extends object>(auth: AuthContext<object>, requirement: RouteRequirement, settings: Pick<VerifierSettings, 'challenge'>, headers: ProofHeaders): Decision<TClaims> {
  try {
    authorize(auth, requirement, settings.challenge)
  } catch (error) {
    return refusal(error)
  }
  return accepted(auth as AuthContext<TClaims>, headers)
}

function refusal(error: unknown): Decision<never> {
  if (isTokenGuardError(error)) return refused(error)
  throw error
}
