/**
 * Which requirement each route has. `onRoute` compiles a route's `config.auth` at startup (a bad one fails
 * startup, naming the route) and stores it on the route's config under a symbol, which Fastify copies into
 * the route's context. A route `onRoute` never saw (registered before the plugin, or while it was loading)
 * is compiled on its first request from the same `config.auth`, so it is protected like any other.
 */
import type { Verifier } from '@tokenguard/core'
import type { RouteRequirement } from '@tokenguard/core/adapter'
import type { FastifyRequest, RouteOptions } from 'fastify'
import type { RouteAuthConfig } from './types.js'

const kCompiled = Symbol('tokenguard.route')
// `null`: a public route.
type Compiled = RouteRequirement | null

export interface RouteRequirements {
  /** Compiles `route`'s requirement at registration. */
  configure(route: RouteOptions): void
  /** The requirement of the request's route; `undefined` for a public route or an unmatched request (404). */
  of(request: FastifyRequest): RouteRequirement | undefined
}

export function routeRequirements(verifier: Verifier, requireByDefault: boolean): RouteRequirements {
  const fallback = verifier.requirement()
  const lateRoutes = new WeakMap<object, Compiled>()

  function compile(config: Record<string | symbol, unknown> | undefined, method: string | string[], url: string): Compiled {
    const auth = config?.auth as RouteAuthConfig | undefined
    if (auth === false) return null
    // CORS preflights never carry credentials: an OPTIONS route (e.g. @fastify/cors') is public unless it says otherwise.
    if (auth === undefined) return requireByDefault && !isPreflight(method) ? fallback : null
    if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) throw new TypeError(`tokenguard: config.auth of ${String(method)} ${url} must be false or an object`)
    try {
      return verifier.requirement(auth)
    } catch (error) {
      throw new TypeError(`tokenguard: config.auth of ${String(method)} ${url}: ${(error as Error).message}`)
    }
  }

  return {
    configure(route) {
      const compiled = compile(route.config as Record<string, unknown> | undefined, route.method, route.url)
      route.config = { ...route.config, [kCompiled]: compiled } as typeof route.config
    },
    of(request) {
      if (request.is404) return undefined
      const config = request.routeOptions.config as unknown as Record<string | symbol, unknown>
      let compiled = config[kCompiled] as Compiled | undefined
      if (compiled === undefined) {
        compiled = lateRoutes.get(config)
        if (compiled === undefined) {
          compiled = compile(config, request.routeOptions.method ?? request.method, request.routeOptions.url ?? request.url)
          lateRoutes.set(config, compiled)
        }
      }
      return compiled ?? undefined
    },
  }
}

function isPreflight(method: string | string[]): boolean {
  const methods = Array.isArray(method) ? method : [method]
  return methods.every((name) => name.toUpperCase() === 'OPTIONS')
}
