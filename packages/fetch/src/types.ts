import type { AuthContext, MultiIssuerOptions, RouteRequirement, RouteRequirementInit, Verifier, VerifierOptions } from '@tokenguard/core'
import type { RefusalReporting } from '@tokenguard/core/adapter'

/**
 * The application's own claims, merged into `auth.claims` by module augmentation:
 *
 * @example
 * ```ts
 * declare module '@tokenguard/fetch' {
 *   interface AuthClaims { tenant_id: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

/** Options of the handler itself, beside the verifier's. */
export interface HandlerOptions extends RefusalReporting<Request> {
  /** The route's template (e.g. `/items/:id`), named in the refusal log instead of the raw path. Default is none. */
  route?: string | undefined
}

/** `protect()` takes verifier options, or an existing verifier to share between handlers. */
export type ProtectOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & HandlerOptions

/** A route's requirement: written out (`{ scopes: ['read:data'] }`), compiled, or `undefined` for any valid token. */
export type Requirement = RouteRequirementInit | RouteRequirement | undefined

/** What the handler receives: `null` only where the requirement may be optional and no token came. */
export type AuthFor<R extends Requirement> = R extends { readonly optional: infer O } ? (true extends O ? AuthContext<AuthClaims> | null : AuthContext<AuthClaims>) : AuthContext<AuthClaims>
