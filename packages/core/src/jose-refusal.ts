/**
 * Turning jose's precise errors into tokenguard refusals: `invalid_token` on the wire (RFC 9068 §4: any
 * failure is `invalid_token`), the exact reason for the operator.
 */
import { errors } from 'jose'
import type { ChallengeContext } from './challenge.js'
import { InvalidTokenError, isTokenGuardError, type RefusalReason, type TokenGuardError } from './errors.js'

const EXPIRED_DESCRIPTION = 'The access token expired'

/** Maps anything thrown while verifying to a {@link TokenGuardError}; tokenguard's own errors pass through. */
export function refusalFor(error: unknown, context: ChallengeContext): TokenGuardError {
  if (isTokenGuardError(error)) return error
  const detail = error instanceof Error ? error.message : 'verification failed'
  if (error instanceof errors.JWTExpired) {
    const reason = error.claim === 'exp' ? 'token_expired' : 'token_too_old'
    return new InvalidTokenError({ ...context, reason, detail, cause: error }, reason === 'token_expired' ? EXPIRED_DESCRIPTION : undefined)
  }
  return new InvalidTokenError({ ...context, reason: reasonFor(error), detail, cause: error })
}

function reasonFor(error: unknown): RefusalReason {
  if (error instanceof errors.JWTClaimValidationFailed) return claimReason(error)
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature_invalid'
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'signature_invalid'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed'
  if (error instanceof errors.JWKSNoMatchingKey) return 'key_not_found'
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'token_malformed'
  if (error instanceof errors.JOSENotSupported) return 'token_unsupported'
  return 'verification_failed'
}

function claimReason(error: InstanceType<typeof errors.JWTClaimValidationFailed>): RefusalReason {
  if (error.reason === 'missing') return 'claim_missing'
  if (error.reason === 'invalid') return 'claim_invalid'
  switch (error.claim) {
    case 'iss':
      return 'issuer_mismatch'
    case 'aud':
      return 'audience_mismatch'
    case 'nbf':
      return 'token_not_yet_valid'
    case 'typ':
      return 'token_type_not_allowed'
    default:
      return 'claim_invalid'
  }
}
