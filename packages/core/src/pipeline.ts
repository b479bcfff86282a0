/**
 * The request pipeline every adapter calls: extract the token (RFC 6750 §2, RFC 9449 §7.1), verify it (the
 * verifier's cache, then the full check), confirm its sender binding (DPoP proof, client certificate) when it
 * has one, apply the route's requirement — and answer with a {@link Decision}.
 * Synchronous whenever no I/O or crypto is needed (a cached unbound token, no token, a malformed request), so that
 * adapters pay for no promise on the hot path; a promise otherwise — also for a cached token when a claim
 * predicate (the verifier's or the route's) answers with a promise. Refusals are decisions; anything else
 * thrown is a bug and propagates as such. Every decision is reported to the observer (metrics, audit,
 * diagnostics channel) when one listens; when none does, the clock is not even read.
 */
import type { AuthContext } from './auth-context.js'
import type { ProofServices } from './binding-options.js'
import { confirmBinding, type Scheme, type VerifiedToken } from './binding.js'
import { accepted, ANONYMOUS, refused, type Accepted, type Decision } from './decision.js'
import type { ProofHeaders } from './dpop-proof.js'
import { isTokenGuardError, MissingTokenError } from './errors.js'
import { assertTokenSyntax, extractCredentials, schemeOf, tokenOf, type Credentials } from './extract.js'
import type { DecisionCheck } from './observability/decision-event.js'
import type { DecisionObserver } from './observability/observer.js'
import type { VerifierSettings } from './options.js'
import type { RequestView } from './request.js'
import type { RequestUrlSettings } from './request-url.js'
import { ANY_VALID_TOKEN, authorize, type RouteRequirement } from './requirement.js'

/** How the pipeline reaches the verifier's token check. */
export interface TokenVerification {
  /**
   * The verified result if the token is in the verified-token cache (the token's size is checked first);
   * a promise of it when one of the verifier's claim predicates answers with a promise.
   */
  cached(token: string): CachedToken | Promise<CachedToken> | undefined
  /** The full check (signature, claims) of a token `cached` did not know; `request` is what a resolver is shown. */
  verify(token: string, request?: RequestView): Promise<VerifiedToken>
}

/**
 * A verified token from the cache, with the decision that accepts it: the same for every request it passes
 * without response headers, so it is made once, when the token is stored, and a hit allocates none.
 */
export interface CachedToken extends VerifiedToken {
  /** `{ outcome: 'accepted', auth: context }`, frozen. */
  readonly accepted: Accepted<object>
}

/** What the pipeline needs besides the token check: the request-level settings and the proof services. */
export type PipelineSettings = Pick<VerifierSettings, 'challenge' | 'extract'> & { readonly requestUrl: RequestUrlSettings; readonly services: ProofServices }

/** Decides one request against one compiled route requirement, reporting the decision to `observer`. */
export function decide<TClaims extends object>(
  view: RequestView,
  requirement: RouteRequirement,
  settings: PipelineSettings,
  tokens: TokenVerification,
  observer?: DecisionObserver,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  const watching = observer !== undefined && observer.active() ? observer : undefined
  const started = watching === undefined ? 0 : watching.now()
  let credentials: Credentials
  let token: string
  try {
    const found = extractCredentials(view, settings.extract)
    if (found === undefined) {
      const decision = requirement.optional ? ANONYMOUS : refused(new MissingTokenError({ ...settings.challenge, reason: 'missing_token' }))
      return reported(watching, view, requirement, decision, undefined, 'none', started)
    }
    credentials = found
    token = tokenOf(found)
    const cached = tokens.cached(token)
    if (cached instanceof Promise) return settledLater<TClaims>(cached, 'cached', view, schemeOf(found), requirement, settings, watching, started)
    if (cached !== undefined) return reportedLater(watching, view, requirement, bound<TClaims>(cached, view, schemeOf(found), requirement, settings, cached.accepted), cached.context, 'cached', started)
    assertTokenSyntax(token, settings.extract)
  } catch (error) {
    return reported(watching, view, requirement, refusal(error), undefined, 'none', started)
  }
  return settledLater<TClaims>(tokens.verify(token, view), 'full', view, schemeOf(credentials), requirement, settings, watching, started)
}

// The continuations of a token still being checked live here, not in decide(): a function that makes
// closures keeps the variables they share in a context object allocated on every call, the hit's included.
function settledLater<TClaims extends object>(
  verifying: Promise<VerifiedToken | CachedToken>,
  check: DecisionCheck,
  view: RequestView,
  scheme: Scheme,
  requirement: RouteRequirement,
  settings: PipelineSettings,
  watching: DecisionObserver | undefined,
  started: number,
): Promise<Decision<TClaims>> {
  return verifying.then(
    (verified) => reportedLater(watching, view, requirement, bound<TClaims>(verified, view, scheme, requirement, settings, 'accepted' in verified ? verified.accepted : undefined), verified.context, check, started),
    (error: unknown) => reported(watching, view, requirement, refusal(error), undefined, check, started),
  )
}

/**
 * `verifier.verify()`: the same check for a token the caller extracted itself, throwing refusals; reported
 * like a decision (without a request).
 */
export async function verifyToken(token: string, requirement: RouteRequirement | undefined, settings: PipelineSettings, tokens: TokenVerification, observer?: DecisionObserver): Promise<AuthContext<object>> {
  const watching = observer !== undefined && observer.active() ? observer : undefined
  const started = watching === undefined ? 0 : watching.now()
  let auth: AuthContext<object> | undefined
  let check: DecisionCheck = 'none'
  try {
    const cached = tokens.cached(token)
    check = cached === undefined ? 'full' : 'cached'
    const verified = await (cached ?? tokens.verify(token))
    auth = verified.context
    // No request, so nothing proves a binding: a bound token is refused here (decide() checks its proof).
    await confirmBinding(verified, undefined, 'bearer', settings)
    if (requirement !== undefined) await authorize(auth, requirement, settings.challenge)
  } catch (error) {
    if (watching !== undefined && isTokenGuardError(error)) watching.record(undefined, requirement ?? ANY_VALID_TOKEN, refused(error), auth, check, started)
    throw error
  }
  watching?.record(undefined, requirement ?? ANY_VALID_TOKEN, accepted(auth), auth, check, started)
  return auth
}

/** {@link reported}, once a decision that may still be proving its binding is settled. */
function reportedLater<T extends Decision<object>>(observer: DecisionObserver | undefined, view: RequestView, requirement: RouteRequirement, decision: T | Promise<T>, auth: AuthContext<object>, check: DecisionCheck, started: number): T | Promise<T> {
  if (!(decision instanceof Promise)) return reported(observer, view, requirement, decision, auth, check, started)
  return decision.then((settled) => reported(observer, view, requirement, settled, auth, check, started))
}

/**
 * The binding check, then the requirement: synchronous when the token is unbound. `prebuilt` is the
 * cached token's accepting decision, answered when no response header is to be added.
 */
function bound<TClaims extends object>(
  verified: VerifiedToken,
  view: RequestView,
  scheme: Scheme,
  requirement: RouteRequirement,
  settings: PipelineSettings,
  prebuilt: Accepted<object> | undefined,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  let proving: Promise<ProofHeaders> | undefined
  try {
    proving = confirmBinding(verified, view, scheme, settings)
  } catch (error) {
    return refusal(error)
  }
  if (proving === undefined) return acceptedIfAuthorized<TClaims>(verified.context, requirement, settings, undefined, prebuilt)
  return provenThenAuthorized<TClaims>(proving, verified.context, requirement, settings, prebuilt)
}

function provenThenAuthorized<TClaims extends object>(
  proving: Promise<ProofHeaders>,
  auth: AuthContext<object>,
  requirement: RouteRequirement,
  settings: PipelineSettings,
  prebuilt: Accepted<object> | undefined,
): Promise<Decision<TClaims>> {
  return proving.then((headers) => acceptedIfAuthorized<TClaims>(auth, requirement, settings, headers, prebuilt), refusal)
}

function reported<T extends Decision<object>>(
  observer: DecisionObserver | undefined,
  view: RequestView,
  requirement: RouteRequirement,
  decision: T,
  auth: AuthContext<object> | undefined,
  check: DecisionCheck,
  started: number,
): T {
  if (observer !== undefined) observer.record(view, requirement, decision, auth, check, started)
  return decision
}

function acceptedIfAuthorized<TClaims extends object>(
  auth: AuthContext<object>,
  requirement: RouteRequirement,
  settings: Pick<VerifierSettings, 'challenge'>,
  headers: ProofHeaders,
  prebuilt: Accepted<object> | undefined,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  let pending: void | Promise<void>
  try {
    pending = authorize(auth, requirement, settings.challenge)
  } catch (error) {
    return refusal(error)
  }
  if (pending === undefined) return acceptance<TClaims>(auth, headers, prebuilt)
  return authorizedLater<TClaims>(pending, auth, headers, prebuilt)
}

function authorizedLater<TClaims extends object>(pending: Promise<void>, auth: AuthContext<object>, headers: ProofHeaders, prebuilt: Accepted<object> | undefined): Promise<Decision<TClaims>> {
  return pending.then(() => acceptance<TClaims>(auth, headers, prebuilt), refusal)
}

function acceptance<TClaims extends object>(auth: AuthContext<object>, headers: ProofHeaders, prebuilt: Accepted<object> | undefined): Accepted<TClaims> {
  if (headers === undefined && prebuilt !== undefined) return prebuilt as Accepted<TClaims>
  return accepted(auth as AuthContext<TClaims>, headers)
}

function refusal(error: unknown): Decision<never> {
  if (isTokenGuardError(error)) return refused(error)
  throw error
}
