import type { AuthContext, MultiIssuerOptions, RouteRequirementInit, TokenGuardError, Verifier, VerifierOptions } from '@tokenguard/core'
import type { Request } from 'express'

/**
 * The application's own claims, merged into `req.auth.claims` by module augmentation, so that nobody has
 * to redeclare `Request.auth` (the source of "subsequent property declarations" conflicts):
 *
 * @example
 * ```ts
 * declare module '@tokenguard/express' {
 *   interface AuthClaims { tenant_id: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

/** Options of the middleware itself, beside the verifier's. */
export interface MiddlewareOptions extends RouteRequirementInit {
  /**
   * Called with every refusal, before it is passed to `next`: the place to log `error.reason` and
   * `error.detail` (never sent to the client). Exceptions thrown here are ignored.
   */
  onError?: ((error: TokenGuardError, req: Request) => void) | undefined
}

/** `authenticate()` takes verifier options, or an existing verifier to share between middlewares. */
export type AuthenticateOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & MiddlewareOptions

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified token, set by `authenticate()`; `undefined` on an optional route without a token. */
      auth?: AuthContext<AuthClaims>
    }
  }
}
