/**
 * `protect()`: wraps a Fetch API handler — `(request, ...rest) => Response` on Workers, Deno, Bun, Node or
 * a Next.js route handler — so that it runs only for requests core accepts. Options are settled once; per
 * request it builds the view of the `Request`, asks core for a decision, and either calls the handler
 * with the verified token or answers the refusal (status, `WWW-Authenticate` / `Retry-After`, JSON body).
 */
import { adapterSetup, isRouteRequirement, refusalResponse, webRequestView, type RouteRequirement, type Verifier } from '@tokenguard/core/adapter'
import type { AuthClaims, AuthFor, ProtectOptions, Requirement } from './types.js'

/** The protected handler, with its verifier exposed (e.g. `await handler.verifier.ready()` to warm up). */
export interface ProtectedHandler<Rest extends unknown[]> {
  (request: Request, ...rest: Rest): Promise<Response>
  readonly verifier: Verifier
}

/**
 * Requires a valid access token (RFC 6750 bearer) meeting `requirement` before `handler` runs. Refusals
 * are answered with their status, challenge and a JSON body `{ error, error_description }`, and logged in
 * one line (or given to `onError`). Anything the handler throws propagates unchanged.
 *
 * @example
 * ```ts
 * export default {
 *   fetch: protect({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' }, { scopes: ['read:data'] },
 *     (request, auth) => Response.json({ client: auth.claims.client_id })),
 * }
 * ```
 */
export function protect<R extends Requirement, Rest extends unknown[] = []>(
  options: ProtectOptions,
  requirement: R,
  handler: (request: Request, auth: AuthFor<R>, ...rest: Rest) => Response | Promise<Response>,
): ProtectedHandler<Rest> {
  if (options instanceof Request) throw new TypeError('tokenguard: protect received a request: it was mounted as the handler itself. Call it once, at startup, and mount what it returns: export default { fetch: protect(options, requirement, handler) }')
  if (typeof handler !== 'function') throw new TypeError('tokenguard: protect() needs a handler function as its third argument')
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: protect() options must be an object (verifier options, or { verifier })')
  const { route, ...rest } = options
  if (route !== undefined && typeof route !== 'string') throw new TypeError('tokenguard: "route" must be a string such as "/items/:id"')
  const { verifier, report } = adapterSetup<Request>(rest, { where: 'protect() options', requirementKeys: false, ownKeys: ['route'] })
  const compiled = compile(verifier, requirement)
  const where = route ?? '(no route)'

  const protectedHandler = async (request: Request, ...args: Rest): Promise<Response> => {
    const view = await webRequestView(request, verifier.settings.extract, { route })
    const decision = await verifier.decide<AuthClaims>(view, compiled)
    if (decision.outcome === 'accepted' && decision.headers !== undefined) return withHeaders(await handler(request, decision.auth as AuthFor<R>, ...args), decision.headers)
    if (decision.outcome !== 'refused') return handler(request, decision.auth as AuthFor<R>, ...args)
    report(decision.error, request, `${request.method} ${where}`)
    return refusalResponse(decision.error)
  }
  return Object.assign(protectedHandler, { verifier })
}

/** Compiles a requirement once, when the handler is declared (a `TypeError` names a mistake). */
export function compile(verifier: Verifier, requirement: Requirement): RouteRequirement {
  if (requirement === undefined) return verifier.requirement()
  return isRouteRequirement(requirement) ? requirement : verifier.requirement(requirement)
}

/** The handler's response with the decision's headers (a fresh `DPoP-Nonce`); a fetched response's headers are immutable. */
function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  const copy = new Response(response.body, response)
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value)
  return copy
}
