/**
 * The Fastify plugin. One hook, added where the plugin is registered, decides every request of that context
 * and its children — including routes registered before the plugin or while it was loading, which `onRoute`
 * never sees. Routes `onRoute` does see have their `config.auth` validated at startup and compiled onto the
 * route; any other route is compiled from its `config.auth` on its first request (never left open). Per
 * request the hook builds the view, asks core, sets `request.auth` or throws the refusal, so Fastify's error
 * handler (or the application's) answers with its status and headers.
 */
import { createVerifier, isConfigurationError, type ClaimCheck, type Verifier } from '@tokenguard/core'
import { advertiseResourceMetadata, authorizeThen, decideHeld, guardRefusal, type Decision, type RouteRequirement } from '@tokenguard/core/adapter'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions } from 'fastify'
import { registerResourceMetadata } from './metadata.js'
import { viewOf } from './request-view.js'
import { routeRequirements, type RouteRequirements } from './route-requirements.js'
import type { AuthClaims, TokenguardPluginOptions } from './types.js'
import { assertPluginOptions } from './validate.js'

const GUARDED_PHASES = ['onRequest', 'preValidation', 'preHandler'] as const
// Marks the hooks the decorators make, so that `onRoute` can run them right after authentication.
const kRequirement = Symbol('tokenguard.requirement')

// Marks the decorators themselves: `{ onRequest: app.requireScopes }`, uncalled, is refused when the route is declared.
const kFactory = Symbol('tokenguard.factory')

type GuardHook = onRequestHookHandler & { [kRequirement]?: RouteRequirement; [kFactory]?: string }

const asFactory = <F extends object>(name: string, make: F): F => Object.assign(make, { [kFactory]: name })

/** Registers tokenguard on `app` (wrapped with fastify-plugin in `index.ts`). */
export async function tokenguardPlugin(app: FastifyInstance, options: TokenguardPluginOptions): Promise<void> {
  if (typeof (app as Partial<FastifyInstance> | undefined)?.hasDecorator !== 'function') throw new TypeError('tokenguard: the Fastify plugin was called as a function: register it instead, await app.register(tokenguard, { issuer, audience })')
  if (app.hasDecorator('tokenguard')) throw new Error('tokenguard: the plugin is already registered in this context')
  assertPluginOptions(options)
  const { requireByDefault = true, warmup = 'await', protectedResourceMetadata, prefix: _prefix, logLevel: _logLevel, logSerializers: _logSerializers, ...verifierOptions } = options as typeof options & { prefix?: unknown; logLevel?: unknown; logSerializers?: unknown }
  const verifier = 'verifier' in verifierOptions ? verifierOptions.verifier : createVerifier(advertiseResourceMetadata(verifierOptions, protectedResourceMetadata))
  const requirements = routeRequirements(verifier, requireByDefault)
  // Bodies are only parsed by preValidation; without body tokens, refuse before parsing anything.
  const phase = verifier.settings.extract.allowBodyToken ? 'preValidation' : 'onRequest'

  app.decorateRequest('auth', null)
  app.decorate('tokenguard', verifier)
  app.decorate('requireScopes', asFactory('requireScopes', (...scopes: string[]) => guardHook(verifier, verifier.requirement({ scopes }))))
  app.decorate('requireAnyScope', asFactory('requireAnyScope', (...scopes: string[]) => guardHook(verifier, verifier.requirement({ anyScopes: scopes }))))
  app.decorate('requireClaim', asFactory('requireClaim', (name: string, check: ClaimCheck) => guardHook(verifier, verifier.requirement({ claims: { [name]: check } }))))

  app.addHook('onRoute', (route) => {
    requirements.configure(route)
    const guards = takeGuards(route)
    if (guards.length > 0) prependHooks(route, phase, guards)
  })
  app.addHook(phase, authenticateHook(verifier, requirements))
  if (protectedResourceMetadata !== undefined) registerResourceMetadata(app, verifier, protectedResourceMetadata)

  await warmUp(app, verifier, warmup)
}

/** The context's hook: synchronous for cached tokens and refusals that need no I/O; async only on a cache miss. */
function authenticateHook(verifier: Verifier, requirements: RouteRequirements): onRequestHookHandler {
  return function tokenguardAuthenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const route = request.routeOptions // built anew by Fastify on each read: read once per request
    let requirement: RouteRequirement | undefined
    try {
      requirement = requirements.of(route)
    } catch (error) {
      return done(error as Error)
    }
    if (requirement === undefined) return done()
    decideInto(request, reply, verifier, requirement, route.url, done)
  }
}

/**
 * The decorators' hooks: on a route that authenticated, only the requirement is applied; where no
 * authentication ran (a public route, or an anonymous request on an optional one), they decide the request
 * themselves, so that `{ onRequest: app.requireScopes('x') }` alone protects a route — Fastify runs context
 * hooks before route hooks, so such a guard may run before any authentication.
 */
function guardHook(verifier: Verifier, requirement: RouteRequirement): GuardHook {
  const hook: GuardHook = function tokenguardAuthorize(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    if (request.auth === null) return decideInto(request, reply, verifier, requirement, request.routeOptions.url, done)
    authorizeThen(request.auth, requirement, verifier.settings.challenge, (error) => done(guardRefusal(reply, error, requirement) as Error | undefined))
  }
  hook[kRequirement] = requirement
  return hook
}

// Reported when the response closes, unless a guard refuses first (then as that refusal): one report per request.
function decideInto(request: FastifyRequest, reply: FastifyReply, verifier: Verifier, requirement: RouteRequirement, route: string | undefined, done: HookHandlerDoneFunction): void {
  const decision = decideHeld<AuthClaims>(verifier, viewOf(request, route), requirement, reply, reply.raw)
  if (!(decision instanceof Promise)) return settle(request, reply, decision, done)
  decision.then((settled) => settle(request, reply, settled, done), done)
}

function settle(request: FastifyRequest, reply: FastifyReply, decision: Decision<AuthClaims>, done: HookHandlerDoneFunction): void {
  if (decision.outcome === 'refused') return done(decision.error)
  if (decision.outcome === 'accepted' && decision.headers !== undefined) reply.headers(decision.headers)
  request.auth = decision.auth
  done()
}

/** Removes the decorators' hooks from the route's own hooks, in order, to run them after authentication. */
function takeGuards(route: RouteOptions): GuardHook[] {
  const guards: GuardHook[] = []
  const hooks = route as unknown as Record<string, unknown>
  for (const phase of GUARDED_PHASES) {
    const existing = hooks[phase]
    if (existing === undefined) continue
    const list = (Array.isArray(existing) ? existing : [existing]) as GuardHook[]
    for (const hook of list) if (hook[kFactory] !== undefined) throw new TypeError(`tokenguard: ${phase} of ${String(route.method)} ${route.url} is app.${hook[kFactory]} itself, uncalled: mount the hook it returns, e.g. { ${phase}: app.${hook[kFactory]}(${hook[kFactory] === 'requireClaim' ? "'client_id', 'orders-worker'" : "'read:data'"}) }`)
    guards.push(...list.filter((hook) => hook[kRequirement] !== undefined))
    hooks[phase] = list.filter((hook) => hook[kRequirement] === undefined)
  }
  return guards
}

function prependHooks(route: RouteOptions, name: 'onRequest' | 'preValidation', hooks: onRequestHookHandler[]): void {
  const existing = route[name]
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  ;(route as unknown as Record<string, unknown[]>)[name] = [...hooks, ...list]
}

async function warmUp(app: FastifyInstance, verifier: Verifier, mode: 'await' | 'background' | 'off'): Promise<void> {
  if (mode === 'off') return
  const warming = verifier.ready().catch((error: unknown) => {
    // A misconfiguration fails startup ('await'); an outage must not stop the API from booting.
    if (isConfigurationError(error)) {
      if (mode === 'await') throw error
      return app.log.error({ err: error }, 'tokenguard: the configuration cannot work; requests answer 503 until it is fixed')
    }
    app.log.warn({ err: error }, 'tokenguard: could not fetch the issuer keys at startup; requests answer 503 until they arrive')
  })
  if (mode === 'await') await warming
}
