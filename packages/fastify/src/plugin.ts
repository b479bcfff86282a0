/**
 * The Fastify plugin. Route requirements are read once per route in `onRoute`, validated there (a bad
 * `config.auth` fails startup, not a request), and compiled into a hook that is prepended to the route's
 * own hooks. Per request the hook only calls core and sets `request.auth`; refusals are thrown, so
 * Fastify's error handler (or the application's) answers with the error's status and headers and logs the
 * precise reason.
 */
import { createVerifier, type AuthContext, type RouteRequirement, type Verifier } from '@tokenguard/core'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions } from 'fastify'
import { advertiseResourceMetadata, registerResourceMetadata } from './metadata.js'
import type { AuthClaims, RouteAuthConfig, TokenguardPluginOptions } from './types.js'

/** Registers tokenguard on `app` (wrapped with fastify-plugin in `index.ts`). */
export async function tokenguardPlugin(app: FastifyInstance, options: TokenguardPluginOptions): Promise<void> {
  if (app.hasDecorator('tokenguard')) throw new Error('tokenguard: the plugin is already registered in this context')
  const verifier = 'verifier' in options ? options.verifier : createVerifier(advertiseResourceMetadata(options))
  const requireByDefault = options.requireByDefault !== false
  const defaultRequirement = verifier.requirement()
  // Bodies are only parsed by preValidation; without body tokens, refuse before parsing anything.
  const hookName = verifier.settings.extract.allowBodyToken ? 'preValidation' : 'onRequest'

  app.decorateRequest('auth', null)
  app.decorate('tokenguard', verifier)
  app.decorate('requireScopes', (...scopes: string[]) => authorizeHook(verifier, verifier.requirement({ scopes })))
  app.decorate('requireAnyScope', (...scopes: string[]) => {
    if (scopes.length === 0) throw new TypeError('tokenguard: requireAnyScope needs at least one scope')
    return authorizeHook(verifier, verifier.requirement({ anyScopes: scopes }))
  })
  app.decorate('requireClaim', (name: string, check) => authorizeHook(verifier, verifier.requirement({ claims: { [name]: check } })))

  app.addHook('onRoute', (route) => {
    const requirement = routeRequirement(route, verifier, requireByDefault, defaultRequirement)
    if (requirement !== undefined) prependHook(route, hookName, authenticateHook(verifier, requirement))
  })
  if (options.protectedResourceMetadata !== undefined) registerResourceMetadata(app, verifier, options.protectedResourceMetadata)

  await warmUp(app, verifier, options.warmup ?? 'await')
}

function routeRequirement(route: RouteOptions, verifier: Verifier, requireByDefault: boolean, fallback: RouteRequirement): RouteRequirement | undefined {
  const config: RouteAuthConfig | undefined = route.config?.auth
  if (config === false) return undefined
  if (config === undefined) return requireByDefault ? fallback : undefined
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`tokenguard: config.auth of ${route.method} ${route.url} must be false or an object`)
  }
  try {
    return verifier.requirement(config)
  } catch (error) {
    throw new TypeError(`tokenguard: config.auth of ${route.method} ${route.url}: ${(error as Error).message}`)
  }
}

/** The route hook: synchronous for cached tokens and refusals that need no I/O; async only on a cache miss. */
function authenticateHook(verifier: Verifier, requirement: RouteRequirement): onRequestHookHandler {
  return function tokenguardAuthenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
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
}

function accept(request: FastifyRequest, done: HookHandlerDoneFunction, auth: AuthContext<AuthClaims> | undefined): void {
  request.auth = auth ?? null
  done()
}

/**
 * The decorators' hooks: on a route that already authenticated, only the requirement is applied; on one
 * that did not (public by configuration, or optional and anonymous), they authenticate first, so that
 * `{ onRequest: app.requireScopes('x') }` alone protects a route.
 */
function authorizeHook(verifier: Verifier, requirement: RouteRequirement): onRequestHookHandler {
  return async function tokenguardAuthorize(request: FastifyRequest, _reply: FastifyReply) {
    if (request.auth === null) request.auth = (await verifier.authenticate(request, requirement)) ?? null
    else verifier.authorize(request.auth, requirement)
  }
}

function prependHook(route: RouteOptions, name: 'onRequest' | 'preValidation', hook: onRequestHookHandler): void {
  const existing = route[name]
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  ;(route as unknown as Record<string, unknown[]>)[name] = [hook, ...list]
}

async function warmUp(app: FastifyInstance, verifier: Verifier, mode: 'await' | 'background' | 'off'): Promise<void> {
  if (mode === 'off') return
  const warming = verifier.ready().catch((error: unknown) => {
    app.log.warn({ err: error }, 'tokenguard: could not fetch the issuer keys at startup; requests answer 503 until they arrive')
  })
  if (mode === 'await') await warming
}
