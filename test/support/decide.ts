/**
 * The verifier's request entry point seen the way the older tests call it: a promise of the context
 * (`undefined` for an anonymous request) that rejects with the refusal, or — for the hot-path tests — the
 * decision's synchronous form. Only the shape changes; what the tests assert is the decision's.
 */
import type { AuthContext, Decision, RequestView, RouteRequirement, Verifier } from '@tokenguard/core'

/** Decides `request` and resolves the accepted context, `undefined` when anonymous, or rejects with the refusal. */
export async function authenticate<T extends object = Record<string, unknown>>(verifier: Verifier, request: RequestView, requirement?: RouteRequirement): Promise<AuthContext<T> | undefined> {
  return unwrap(await verifier.decide<T>(request, requirement))
}

/** Like {@link authenticate}, but answers synchronously when the decision is (throwing refusals), else a promise. */
export function authenticateMaybeSync<T extends object = Record<string, unknown>>(
  verifier: Verifier,
  request: RequestView,
  requirement?: RouteRequirement,
): AuthContext<T> | undefined | Promise<AuthContext<T> | undefined> {
  const decision = verifier.decide<T>(request, requirement)
  return decision instanceof Promise ? decision.then(unwrap) : unwrap(decision)
}

function unwrap<T extends object>(decision: Decision<T>): AuthContext<T> | undefined {
  if (decision.outcome === 'refused') throw decision.error
  return decision.outcome === 'accepted' ? decision.auth : undefined
}
