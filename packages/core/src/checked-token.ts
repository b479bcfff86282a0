/**
 * What an issuer's check hands the verifier, whether the token was a JWT verified locally or an opaque
 * token introspected: its own module so that both checks and the verifier name it without importing each
 * other.
 */
import type { AuthContext } from './auth-context.js'
import type { VerifiedToken } from './binding.js'
import type { ClaimCheck } from './claims.js'
import type { KeySource } from './key-source.js'
import type { RevocationCheck } from './revocation.js'

/** What a check (JWT or introspection) produces, before its issuer adds its binding rules. */
export interface TokenCheckResult {
  context: AuthContext<object>
  /** The key source that verified it, kept current on cache hits. */
  keySource: KeySource
  /**
   * Identity of the key that verified it (`keyIdentityOf`: RFC 7638 thumbprint input, kid, algorithm, issuer),
   * so that its cache entry leaves with that key; absent for keys that never leave a key set (a shared secret,
   * a fixed `publicKey`) and for introspected tokens.
   */
  keyIdentity?: string | undefined
  /** The verifier's `claims` checks, applied again on every cache hit (predicates may change their mind). */
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
  /** The issuer's `isRevoked` hook, asked after verification and on every cache hit. */
  isRevoked?: RevocationCheck | undefined
  validFrom: number
  validUntil: number
}

/** A verified token with its issuer's binding rules (`cnf` is checked per request, `binding.ts`). */
export type CheckedToken = TokenCheckResult & VerifiedToken
