import type { AuthContext, MultiIssuerOptions, RouteRequirementInit, TokenGuardError, Verifier, VerifierOptions } from '@tokenguard/core'
import type { Logger, RefusalLogLevels } from '@tokenguard/core/adapter'
import type { ProtectedResourceMetadataOptions } from './metadata.js'
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
   * Called with every refusal before it is answered: the place to log `error.reason`, `error.detail` and
   * `error.facts` yourself (never sent to the client). When given, tokenguard writes no log line of its own.
   * Exceptions thrown here are ignored. Default is none.
   */
  onError?: ((error: TokenGuardError, req: Request) => void) | undefined
  /**
   * `'respond'` answers refusals here: status, `WWW-Authenticate` / `Retry-After`, and a JSON body
   * `{ error, error_description }`. `'next'` passes them to `next(err)` for your error handlers (headers
   * already set; tokenguard then logs nothing). Default is `'respond'`.
   */
  errorHandling?: 'respond' | 'next' | undefined
  /** Where the one line per refusal goes (`console`, pino, …), or `false` for none. Default is `console`. */
  logger?: Logger | false | undefined
  /** Log levels: `refused` (400/401/403, default `'info'`) and `unavailable` (503, default `'warn'`). */
  logLevels?: RefusalLogLevels | undefined
  /**
   * Serve RFC 9728 Protected Resource Metadata for `resource` (mount `auth.resourceMetadata` at the root),
   * and make every challenge advertise it (`resource_metadata`), as the Fastify plugin's option of the same
   * name does. Default is off.
   */
  protectedResourceMetadata?: Omit<ProtectedResourceMetadataOptions, 'verifier'> | undefined
}

/** `authenticate()` takes verifier options, or an existing verifier to share between middlewares. */
export type AuthenticateOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & MiddlewareOptions

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified token, set by `authenticate()`; `null` on an optional route without a token, and
       * `undefined` where `authenticate()` did not run.
       */
      auth?: AuthContext<AuthClaims> | null
    }
  }
}
