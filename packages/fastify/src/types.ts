import type { AuthContext, ClaimCheck, MultiIssuerOptions, RouteRequirementInit, Verifier, VerifierOptions } from '@tokenguard/core'
import type { onRequestHookHandler } from 'fastify'
import type { ResourceMetadataPluginOptions } from './metadata.js'

/**
 * The application's own claims, merged into `request.auth.claims` by module augmentation (nobody needs to
 * redeclare `FastifyRequest.auth`):
 *
 * @example
 * ```ts
 * declare module '@tokenguard/fastify' {
 *   interface AuthClaims { tenant_id: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

/** A route's `config.auth`: `false` opts out; an object sets the requirement. Read once, at registration. */
// `& object` keeps Fastify's literal inference from accepting `auth: 'yes'` or `auth: true`.
export type RouteAuthConfig = false | (RouteRequirementInit & object)

/** Options of the plugin itself, beside the verifier's. */
export interface PluginOptions extends ResourceMetadataPluginOptions {
  /**
   * Whether routes without `config.auth` require a valid token. Default is `true`: protection is the
   * default, public routes opt out with `config: { auth: false }`. `OPTIONS`-only routes (CORS preflights,
   * which never carry credentials) are public unless their `config.auth` says otherwise.
   */
  requireByDefault?: boolean | undefined
  /**
   * How registration warms the key source up: `'await'` fetches discovery and keys before the plugin
   * finishes registering (an outage is logged, and requests answer 503 until keys arrive, so an identity
   * provider outage cannot stop the API from booting; a misconfiguration — metadata naming another issuer,
   * nothing at the discovery locations, a key set URL that serves no JWK Set — fails registration with a
   * `ConfigurationError`); `'background'` starts the fetch without waiting (a misconfiguration is logged at
   * error level); `'off'` fetches on the first request. Default is `'await'`.
   */
  warmup?: 'await' | 'background' | 'off' | undefined
}

/** `register(tokenguard, options)`: verifier options, or an existing verifier. */
export type TokenguardPluginOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & PluginOptions

declare module 'fastify' {
  interface FastifyContextConfig {
    /** tokenguard: `false` for a public route, or `{ scopes, anyScopes, optional, claims }`. */
    auth?: RouteAuthConfig
  }
  interface FastifyRequest {
    /** The verified token; `null` on public routes and on optional routes without a token. */
    auth: AuthContext<AuthClaims> | null
  }
  interface FastifyInstance {
    /** The verifier the plugin uses (key source, settings). */
    tokenguard: Verifier
    /** A hook requiring every one of `scopes`, for `onRequest`/`preHandler` of routes or contexts. */
    requireScopes(...scopes: string[]): onRequestHookHandler
    /** A hook requiring at least one of `scopes`. */
    requireAnyScope(...scopes: string[]): onRequestHookHandler
    /**
     * A hook requiring claim `name` to equal `check` (array claims: contain it) or `check()` to pass (it may
     * answer with a promise); `includes('admin')` for a word of a space-delimited string claim.
     */
    requireClaim(name: string, check: ClaimCheck): onRequestHookHandler
  }
}
