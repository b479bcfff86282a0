/**
 * The Fastify plugin. Route requirements are read once per route in `onRoute`, validated there (a bad
 * `config.auth` fails startup, not a request), and compiled into a hook that is prepended to the route's
 * own hooks. Per request the hook only calls core and sets `request.auth`; refusals are thrown, so
 * Fastify's error handler (or the application's) answers with the error's status and headers and logs the
 * precise reason.
 */
import { createVerifier, isConfigurationError, type AuthContext, type RouteRequirement, type Verifier } from '@tokenguard/core'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions } from 'fastify'
import { advertiseResourceMetadata, registerResourceMetadata } from './metadata.js'
import type { AuthClaims, RouteAuthConfig, TokenguardPluginOptions } from './types.js'

const WARMUP_MODES = new Set(['await', 'background', 'off'])
const GUARDED_PHASES = ['onRequest', 'preValidation', 'preHandler'] as const
// Marks the hooks the decorators make, so that `onRoute` can run them right after authentication.
const kRequirement = Symbol('tokenguard.requirement')

type GuardHook = onRequestHookHandler & { [kRequirement]?: RouteRequirement }

/** Registers tokenguard on `app` (wrapped with fastify-plugin in `index.ts`). */
export async function tokenguardPlugin(app: FastifyInstance, options: TokenguardPluginOptions): Promise<void> {
  if (app.hasDecorator('tokenguard')) throw new Error('tokenguard: the plugin is already registered in this context')
  const { requireByDefault = true, warmup = 'await', protectedResourceMetadata, ...verifierOptions } = options
  if (typeof requireByDefault !== 'boolean') throw new TypeError('tokenguard: "requireByDefault" must be a boolean')
  if (!WARMUP_MODES.has(warmup)) throw new TypeError('tokenguard: "warmup" must be "await", "background" or "off"')
  const verifier = 'verifier' in verifierOptions ? verifierOptions.verifier : createVerifier(advertiseResourceMetadata(verifierOptions, protectedResourceMetadata))
  const defaultRequirement = verifier.requirement()
  // Bodies are only parsed by preValidation; without body tokens, refuse before parsing anything.
  const hookName = verifier.settings.extract.allowBodyToken ? 'preValidation' : 'onRequest'

  app.decorateRequest('auth', null)
  app.decorate('tokenguard', verifier)
  app.decorate('requireScopes', (...scopes: string[]) => guardHook(verifier, verifier.requirement({ scopes })))
  app.decorate('requireAnyScope', (...scopes: string[]) => guardHook(verifier, verifier.requirement({ anyScopes: scopes })))
  app.decorate('requireClaim', (name: string, check) => guardHook(verifier, verifier.requirement({ claims: { [name]: check } })))

  app.addHook('onRoute', (route) => {
    const guards = takeGuards(route)
    const requirement = routeRequirement(route, verifier, requireByDefault, defaultRequirement)
    const hooks = requirement === undefined ? guards : [authenticateHook(verifier, requirement), ...guards]
    if (hooks.length > 0) prependHooks(route, hookName, hooks)
  })
  if (protectedResourceMetadata !== undefined) registerResourceMetadata(app, verifier, protectedResourceMetadata)

  await warmUp(app, verifier, warmup)
}

function routeRequirement(route: RouteOptions, verifier: Verifier, requireByDefault: boolean, fallback: RouteRequirement): RouteRequirement | undefined {
  const config: RouteAuthConfig | undefined = route.config?.auth
  if (config === false) return undefined
  // CORS preflights never carry credentials: an OPTIONS route (e.g. @fastify/cors') is public unless it says otherwise.
  if (config === undefined) return requireByDefault && !isPreflightRoute(route) ? fallback : undefined
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`tokenguard: config.auth of ${route.method} ${route.url} must be false or an object`)
  }
  try {
    return verifier.requirement(config)
  } catch (error) {
    throw new TypeError(`tokenguard: config.auth of ${route.method} ${route.url}: ${(error as Error).message}`)
  }
}

function isPreflightRoute(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  return methods.every((method) => method.toUpperCase() === 'OPTIONS')
}

/** The route hook: synchronous for cached tokens and refusals that need no I/O; async only on a cache miss. */
function authenticateHook(verifier: Verifier, requirement: RouteRequirement): onRequestHookHandler {
  return function tokenguardAuthenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    authenticateInto(request, verifier, requirement, done)
  }
}

/**
 * The decorators' hooks: on a route that already authenticated, only the requirement is applied; on one
 * that did not (public by configuration, or optional and anonymous), they authenticate first, so that
 * `{ onRequest: app.requireScopes('x') }` alone protects a route. In route options they are moved to run
 * right after the route's authentication (where a body token has been parsed); as application-wide hooks,
 * which `onRoute` cannot see, they authenticate on their own.
 */
function guardHook(verifier: Verifier, requirement: RouteRequirement): GuardHook {
  const hook: GuardHook = function tokenguardAuthorize(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    if (request.auth === null) return authenticateInto(request, verifier, requirement, done)
    try {
      verifier.authorize(request.auth, requirement)
    } catch (error) {
      return done(error as Error)
    }
    done()
  }
  hook[kRequirement] = requirement
  return hook
}

function authenticateInto(request: FastifyRequest, verifier: Verifier, requirement: RouteRequirement, done: HookHandlerDoneFunction): void {
  let outcome: AuthContext<AuthClaims> | undefined | Promise<AuthContext<AuthClaims> | undefined>
  try {
    outcome = verifier.authenticateMaybeSync<AuthClaims>(request, requirement)
  } catch (error) {
    done(error as Error)
    return
  }
  if (!(outcome instanceof Promise)) return accept(request, done, outcome)
  outcome.then((auth) => accept(request, done, auth), done)
}

function accept(request: FastifyRequest, done: HookHandlerDoneFunction, auth: AuthContext<AuthClaims> | undefined): void {
  request.auth = auth ?? null
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
