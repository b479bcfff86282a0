/**
 * The global guard: every HTTP route needs a valid token unless it is `@Public()`. Per request it builds
 * the view, asks core for a decision on the route's base requirement, applies the route's decorators, and
 * records the result for `@Auth()` — or sets the refusal's headers and throws it as an `HttpException`.
 */
import type { CanActivate, ExecutionContext } from '@nestjs/common'
import type { HttpAdapterHost } from '@nestjs/core'
import { AuthenticationMissingError, authorize, decideHeld, guardRefusal, isTokenGuardError, MissingTokenError, reportHeld, type AuthContext, type RefusalReporter, type TokenGuardError, type Verifier } from '@tokenguard/core/adapter'
import { rememberAuth } from './auth.js'
import { TokenguardException } from './exception.js'
import { viewOf, type PlatformRequest } from './request-view.js'
import { routePlans, type RoutePlan } from './route-plan.js'
import type { AuthClaims } from './types.js'

const MOUNTED_BY_HAND = 'tokenguard: TokenguardGuard cannot be used in @UseGuards(): TokenguardModule.forRoot({ issuer, audience }) installs it as a global guard over every route. Import TokenguardModule.forRoot() in the root module, and mark routes with @Public(), @Scopes(), @AnyScope(), @Claim() or @OptionalAuth() instead'

/** The global guard `TokenguardModule.forRoot()` installs (exported for its type; not for `@UseGuards()`). */
export class TokenguardGuard implements CanActivate {
  readonly #planOf: ReturnType<typeof routePlans>

  constructor(private readonly verifier: Verifier, private readonly report: RefusalReporter<unknown>, private readonly host: HttpAdapterHost) {
    // Nest builds a guard named in @UseGuards() itself, with nothing to give it: the verifier comes from forRoot().
    if (typeof (verifier as Partial<Verifier> | undefined)?.decide !== 'function' || typeof report !== 'function') throw new TypeError(MOUNTED_BY_HAND)
    this.#planOf = routePlans(verifier)
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = `${context.getClass().name}.${context.getHandler().name}`
    const plan = this.#planOf(context.getClass(), context.getHandler())
    const isHttp = context.getType() === 'http'
    if (plan.base === undefined) {
      if (isHttp) rememberAuth(context.switchToHttp().getRequest<object>(), null)
      return true
    }
    if (!isHttp) throw notHttp(context, route)
    const request = context.switchToHttp().getRequest<PlatformRequest>()
    // Reported once: as the decorators' refusal if one refuses, else as decided (never both).
    const decision = await decideHeld<AuthClaims>(this.verifier, viewOf(request, route), plan.base, request)
    if (decision.outcome === 'refused') return this.#refuse(context, request, route, decision.error)
    try {
      await applyRequirements(decision.auth, plan, this.verifier)
    } catch (error) {
      if (isTokenGuardError(error)) return this.#refuse(context, request, route, error)
      throw error
    }
    // e.g. a fresh DPoP-Nonce
    if (decision.outcome === 'accepted' && decision.headers !== undefined) for (const [name, value] of Object.entries(decision.headers)) this.host.httpAdapter.setHeader(context.switchToHttp().getResponse(), name, value)
    rememberAuth(request, decision.auth)
    reportHeld(request)
    return true
  }

  #refuse(context: ExecutionContext, request: PlatformRequest, route: string, error: TokenGuardError): never {
    this.report(guardRefusal(request, error), request, `${request.method} ${route}`)
    const response: unknown = context.switchToHttp().getResponse()
    for (const [name, value] of Object.entries(error.headers)) this.host.httpAdapter.setHeader(response, name, value)
    throw new TokenguardException(error)
  }
}

async function applyRequirements(auth: AuthContext<AuthClaims> | null, plan: RoutePlan, verifier: Verifier): Promise<void> {
  if (plan.requirements.length === 0) return
  if (auth === null) throw new MissingTokenError({ ...verifier.settings.challenge, reason: 'missing_token' })
  // authorize() answers with a promise when a claim predicate is async: each is awaited before the next.
  for (const requirement of plan.requirements) await authorize(auth, requirement, verifier.settings.challenge)
}

/** The guard is global, so it also sees RPC and WebSocket handlers, which carry no HTTP request to check. */
function notHttp(context: ExecutionContext, route: string): TokenguardException {
  const detail = `${route} is a ${context.getType()} handler, which tokenguard cannot authenticate: mark it @Public() and check its credentials in the transport`
  return new TokenguardException(new AuthenticationMissingError({ reason: 'authentication_missing', detail }))
}
