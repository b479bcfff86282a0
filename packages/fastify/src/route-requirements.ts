/**
 * Which requirement each route has. `onRoute` compiles a route's `config.auth` at startup (a bad one fails
 * startup, naming the route) and stores it on the route's config under a symbol, which Fastify copies into
 * the route's context. A route `onRoute` never saw (registered before the plugin, or while it was loading)
 * is compiled on its first request from the same `config.auth`, so it is protected like any other.
 */
import type { Verifier } from '@tokenguard/core'
import { routeRequirementFrom, type RouteRequirement } from '@tokenguard/core/adapter'
import type { FastifyRequest, RouteOptions } from 'fastify'

const kCompiled = Symbol('tokenguard.route')
type Config = Record<string | symbol, unknown>

export interface RouteRequirements {
  /** Compiles `route`'s requirement at registration. */
  configure(route: RouteOptions): void
  /**
   * The requirement of the request's route, given its `request.routeOptions` (Fastify builds that object anew
   * on every read: the hook reads it once); `undefined` for a public route or an unmatched request (404).
   */
  of(route: FastifyRequest['routeOptions']): RouteRequirement | undefined
}

export function routeRequirements(verifier: Verifier, requireByDefault: boolean): RouteRequirements {
  const fallback = requireByDefault ? verifier.requirement() : null
  const lateRoutes = new WeakMap<Config, RouteRequirement | null>()
  const compile = (config: Config | undefined, method: string | string[], url: string) =>
    routeRequirementFrom(config?.auth, { methods: Array.isArray(method) ? method : [method], where: `${String(method)} ${url}` }, fallback)

  return {
    configure(route) {
      route.config = { ...route.config, [kCompiled]: compile(route.config as Config | undefined, route.method, route.url) } as typeof route.config
    },
    of(route) {
      const { config, method, url } = route as unknown as { config: Config; method: string | string[]; url: string | undefined }
      if (url === undefined) return undefined // no route matched (Fastify's is404)
      let compiled = config[kCompiled] as RouteRequirement | null | undefined
      if (compiled === undefined) {
        compiled = lateRoutes.get(config) ?? compile(config, method, url)
        lateRoutes.set(config, compiled)
      }
      return compiled ?? undefined
    },
  }
}
