/**
 * What an issuer's check hands the verifier, whether the token was a JWT verified locally or an opaque
 * token introspected: its own module so that both checks and the verifier name it without importing each
 * other.
 */
import type { AuthContext } from './auth-context.js'
import type { ClaimCheck } from './claims.js'
import type { KeySource } from './key-source.js'

/** A verified token with the clock window (epoch seconds) in which the result stays valid. */
export interface CheckedToken {
  context: AuthContext<object>
  /** The key source that verified it, kept current on cache hits. */
  keySource: KeySource
  /** The verifier's `claims` checks, applied again on every cache hit (predicates may change their mind). */
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
  validFrom: number
  validUntil: number
}
