/**
 * `authenticateRequest()`: the same decision as `protect()`, for code that wants the verified token (or
 * the refusal's `Response`) in hand instead of wrapping a handler — middleware chains, or a route handler
 * that authenticates only some of its branches.
 */
import type { AuthContext, RouteRequirementInit } from '@tokenguard/core'
import { refusalReporter, refusalResponse, webRequestView, type RefusalReporting, type RouteRequirement, type Verifier } from '@tokenguard/core/adapter'
import { compile } from './protect.js'
import type { AuthClaims } from './types.js'

/**
 * Decides `request` against `requirement` (any valid token by default): the verified token, `null` on an
 * optional requirement when no token came, or the `Response` that answers the refusal (already reported
 * as `options` say: `onError`, else one log line on `console`). Pass a requirement compiled once with
 * `verifier.requirement()` on hot paths.
 *
 * @example
 * ```ts
 * const auth = await authenticateRequest(verifier, request, readData)
 * if (auth instanceof Response) return auth
 * ```
 */
export function authenticateRequest(verifier: Verifier, request: Request, requirement?: RouteRequirementInit & { optional?: false | undefined }, options?: RefusalReporting<Request>): Promise<AuthContext<AuthClaims> | Response>
export function authenticateRequest(verifier: Verifier, request: Request, requirement?: RouteRequirement | RouteRequirementInit, options?: RefusalReporting<Request>): Promise<AuthContext<AuthClaims> | null | Response>
export async function authenticateRequest(verifier: Verifier, request: Request, requirement?: RouteRequirement | RouteRequirementInit, options: RefusalReporting<Request> = {}): Promise<AuthContext<AuthClaims> | null | Response> {
  if (typeof (verifier as Partial<Verifier> | undefined)?.decide !== 'function') throw new TypeError('tokenguard: authenticateRequest(verifier, request, requirement?) needs a Verifier first: create it once, at startup, with createVerifier(options)')
  if (typeof (request as Partial<Request> | undefined)?.headers?.get !== 'function') throw new TypeError('tokenguard: authenticateRequest(verifier, request, requirement?) needs a Fetch API Request second')
  const compiled = compile(verifier, requirement)
  const view = await webRequestView(request, verifier.settings.extract)
  const decision = await verifier.decide<AuthClaims>(view, compiled)
  if (decision.outcome !== 'refused') return decision.auth
  refusalReporter<Request>(options, console)(decision.error, request, `${request.method} (no route)`)
  return refusalResponse(decision.error)
}
