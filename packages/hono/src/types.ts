import type { AuthContext, MultiIssuerOptions, RouteRequirementInit, Verifier, VerifierOptions } from '@tokenguard/core'
import type { RefusalReporting } from '@tokenguard/core/adapter'
import type { Context } from 'hono'

/**
 * The application's own claims, merged into `c.get('auth').claims` by module augmentation:
 *
 * @example
 * ```ts
 * declare module '@tokenguard/hono' {
 *   interface AuthClaims { tenant_id: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

/** What `c.get('auth')` holds after `tokenguard()`: the verified token, or `null` on an optional route without one. */
export type HonoAuth = AuthContext<AuthClaims> | null

/** The middleware's `Env`, for apps typed with `new Hono<TokenguardEnv>()` (the variable is also in `ContextVariableMap`). */
export interface TokenguardEnv {
  Variables: { auth: HonoAuth }
}

/** Options of the middleware itself, beside the verifier's: the route's requirement and the refusal report. */
export interface MiddlewareOptions extends RouteRequirementInit, RefusalReporting<Context> {}

/** `tokenguard()` takes verifier options, or an existing verifier to share between middlewares. */
export type TokenguardOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & MiddlewareOptions

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The verified token, set by `tokenguard()`; `null` on an optional route without a token, and
     * `undefined` where no `tokenguard()` ran.
     */
    auth: HonoAuth
  }
}
