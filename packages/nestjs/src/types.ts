import type { MultiIssuerOptions, Verifier, VerifierOptions } from '@tokenguard/core'
import type { RefusalReporting } from '@tokenguard/core/adapter'

/**
 * The application's own claims, merged into `@Auth()`'s `claims` by module augmentation:
 *
 * @example
 * ```ts
 * declare module '@tokenguard/nestjs' {
 *   interface AuthClaims { tenant_id: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

/** Options of the module itself, beside the verifier's. */
export interface ModuleOptions extends RefusalReporting<unknown> {
  /**
   * How startup warms the key source up: `'await'` fetches discovery and keys before the application
   * finishes initialising (a failure is logged, and requests answer 503 until keys arrive, so an identity
   * provider outage cannot stop the API from booting); `'background'` starts the fetch without waiting;
   * `'off'` fetches on the first request. Default is `'await'`.
   */
  warmup?: 'await' | 'background' | 'off' | undefined
}

/** `TokenguardModule.forRoot()` takes verifier options, or an existing verifier. */
export type TokenguardModuleOptions = (VerifierOptions | MultiIssuerOptions | { verifier: Verifier }) & ModuleOptions
