/**
 * The request pipeline every adapter calls: extract the token (RFC 6750 §2), verify it (the verifier's
 * cache, then the full check), apply the route's requirement — and answer with a {@link Decision}.
 * Synchronous whenever no I/O or crypto is needed (a cached token, no token, a malformed request), so that
 * adapters pay for no promise on the hot path; a promise otherwise — also for a cached token when a claim
 * predicate (the verifier's or the route's) answers with a promise. Refusals are decisions; anything else
 * thrown is a bug and propagates as such. Every decision is reported to the observer (metrics, audit,
 * diagnostics channel) when one listens; when none does, the clock is not even read.
 */
import type { AuthContext } from './auth-context.js'
import { accepted, ANONYMOUS, refused, type Decision } from './decision.js'
import { isTokenGuardError, MissingTokenError } from './errors.js'
import { assertTokenSyntax, extractCandidate } from './extract.js'
import type { DecisionCheck } from './observability/decision-event.js'
import type { DecisionObserver } from './observability/observer.js'
import type { VerifierSettings } from './options.js'
import type { RequestView } from './request.js'
import { ANY_VALID_TOKEN, authorize, type RouteRequirement } from './requirement.js'

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

/** Decides one request against one compiled route requirement, reporting the decision to `observer`. */
export function decide<TClaims extends object>(
  view: RequestView,
  requirement: RouteRequirement,
  settings: Pick<VerifierSettings, 'challenge' | 'extract'>,
  tokens: TokenVerification,
  observer?: DecisionObserver,
): Decision<TClaims> | Promise<Decision<TClaims>> {
  const watching = observer !== undefined && observer.active() ? observer : undefined
  const started = watching === undefined ? 0 : watching.now()
  let token: string | undefined
  try {
    token = extractCandidate(view, settings.extract)
    if (token === undefined) {
      const decision = requirement.optional ? ANONYMOUS : refused(new MissingTokenError({ ...settings.challenge, reason: 'missing_token' }))
      return reported(watching, view, requirement, decision, undefined, 'none', started)
    }
    const cached = tokens.cached(token)
    if (cached instanceof Promise) {
      return cached.then(
        (auth) => whenDecided(acceptedIfAuthorized<TClaims>(auth, requirement, settings), (decision) => reported(watching, view, requirement, decision, auth, 'cached', started)),
        (error: unknown) => reported(watching, view, requirement, refusal(error), undefined, 'cached', started),
      )
    }
    if (cached !== undefined) return whenDecided(acceptedIfAuthorized<TClaims>(cached, requirement, settings), (decision) => reported(watching, view, requirement, decision, cached, 'cached', started))
    assertTokenSyntax(token, settings.extract)
  } catch (error) {
    return reported(watching, view, requirement, refusal(error), undefined, 'none', started)
  }
  return tokens.verify(token, view).then(
    (auth) => whenDecided(acceptedIfAuthorized<TClaims>(auth, requirement, settings), (decision) => reported(watching, view, requirement, decision, auth, 'full', started)),
    (error: unknown) => reported(watching, view, requirement, refusal(error), undefined, 'full', started),
  )
}

/**
 * `verifier.verify()`: the same check for a token the caller extracted itself, throwing refusals; reported
 * like a decision (without a request).
 */
export async function verifyToken(token: string, requirement: RouteRequirement | undefined, settings: Pick<VerifierSettings, 'challenge'>, tokens: TokenVerification, observer?: DecisionObserver): Promise<AuthContext<object>> {
  const watching = observer !== undefined && observer.active() ? observer : undefined
  const started = watching === undefined ? 0 : watching.now()
  let auth: AuthContext<object> | undefined
  let check: DecisionCheck = 'none'
  try {
    const cached = tokens.cached(token)
    check = cached === undefined ? 'full' : 'cached'
    auth = await (cached ?? tokens.verify(token))
    if (requirement !== undefined) await authorize(auth, requirement, settings.challenge)
  } catch (error) {
    if (watching !== undefined && isTokenGuardError(error)) watching.record(undefined, requirement ?? ANY_VALID_TOKEN, refused(error), auth, check, started)
    throw error
  }
  watching?.record(undefined, requirement ?? ANY_VALID_TOKEN, accepted(auth), auth, check, started)
  return auth
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

/** `then` for a decision that may already be settled: synchronous when it is. */
function whenDecided<T>(decision: T | Promise<T>, then: (decision: T) => T): T | Promise<T> {
  return decision instanceof Promise ? decision.then(then) : then(decision)
}

function refusal(error: unknown): Decision<never> {
  if (isTokenGuardError(error)) return refused(error)
  throw error
}
