/**
 * Turning jose's precise errors into tokenguard refusals: `invalid_token` on the wire (RFC 9068 §4: any
 * failure is `invalid_token`), the exact reason for the operator.
 */
import { errors } from 'jose'
import type { ChallengeContext } from './challenge.js'
import { InvalidTokenError, isTokenGuardError, withFacts, type RefusalReason, type TokenGuardError } from './errors.js'
import type { TokenFacts } from './token-facts.js'

const EXPIRED_DESCRIPTION = 'The access token expired'

/**
 * Maps anything thrown while verifying to a {@link TokenGuardError}; tokenguard's own errors pass through.
 * `facts` (the token's unverified values) go with the refusal for the operator.
 */
export function refusalFor(error: unknown, context: ChallengeContext, facts?: TokenFacts): TokenGuardError {
  if (isTokenGuardError(error)) return withFacts(error, facts)
  const detail = error instanceof Error ? error.message : 'verification failed'
  const cause = withoutClaims(error)
  if (error instanceof errors.JWTExpired) {
    const reason = error.claim === 'exp' ? 'token_expired' : 'token_too_old'
    return new InvalidTokenError({ ...context, reason, detail, cause, facts }, reason === 'token_expired' ? EXPIRED_DESCRIPTION : undefined)
  }
  return new InvalidTokenError({ ...context, reason: reasonFor(error), detail, cause, facts })
}

/**
 * jose's claim errors carry the whole payload (`jti`, `sub`, …); loggers that print causes would write it
 * out. The cause keeps jose's name, code and message only.
 */
function withoutClaims(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const copy = new Error(error.message)
  copy.name = error.name
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') Object.defineProperty(copy, 'code', { value: code, enumerable: true })
  copy.stack = `${error.name}: ${error.message}`
  return copy
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
