/**
 * The revocation hook (`isRevoked` option): the application's own deny list, asked after verification and
 * again on every cache hit, since a token is revoked while it is cached. It is given the verified claims, so
 * it keys on `jti` (or `sub`, `sid`…), never on the token string, which has two spellings for ES* tokens
 * (`ecdsa-canonical.ts`). It stays synchronous while the hook answers synchronously, so that a cached
 * token is still decided without a promise; a promise makes the decision a promise.
 *
 * `true` is revoked: 401 `invalid_token`, reason `token_revoked`. `false` is not. Anything else — a throw,
 * a rejection, an answer that is no boolean — means the question could not be answered: 503
 * `revocation_check_unavailable` (the token may be fine, so the client is not sent for a new one; and no
 * token passes a check that did not run).
 */
import type { AccessTokenClaims } from './auth-context.js'
import type { ChallengeContext } from './challenge.js'
import { ClaimCheckUnavailableError, InvalidTokenError } from './errors.js'
import { describe, optionalFunction } from './option-values.js'

/** Whether a verified token is revoked: `true` or `false`, or a promise of either. */
export type RevocationCheck = (claims: Readonly<AccessTokenClaims>) => boolean | PromiseLike<boolean>

/** Validates the `isRevoked` option (`option` names it in the error, e.g. `issuers[1].isRevoked`). */
export function settleRevocation(value: unknown, option = 'isRevoked'): RevocationCheck | undefined {
  return optionalFunction<RevocationCheck>(value, option)
}

/** Both checks (an issuer entry's and the top level's): revoked when either says so, asked in that order. */
export function eitherRevoked(first: RevocationCheck | undefined, second: RevocationCheck | undefined): RevocationCheck | undefined {
  if (first === undefined || second === undefined || first === second) return first ?? second
  return (claims) => {
    const answer = first(claims)
    if (!isThenable(answer)) return answer === false ? second(claims) : answer
    return Promise.resolve(answer).then((revoked) => (revoked === false ? second(claims) : revoked))
  }
}

/**
 * Refuses a revoked token: throws synchronously when the hook answers synchronously, else returns the
 * promise of that answer (`undefined` without a hook, or for a token that is not revoked, sync).
 */
export function assertNotRevoked(claims: Readonly<AccessTokenClaims>, isRevoked: RevocationCheck | undefined, challenge: ChallengeContext): void | Promise<void> {
  if (isRevoked === undefined) return undefined
  let answer: boolean | PromiseLike<boolean>
  try {
    answer = isRevoked(claims)
  } catch (error) {
    throw unavailable(error)
  }
  if (!isThenable(answer)) return judge(answer, challenge)
  return Promise.resolve(answer).then(
    (revoked) => judge(revoked, challenge),
    (error: unknown) => {
      throw unavailable(error)
    },
  )
}

function judge(revoked: unknown, challenge: ChallengeContext): void {
  if (revoked === false) return
  if (revoked === true) throw new InvalidTokenError({ ...challenge, reason: 'token_revoked', detail: 'the "isRevoked" hook says this token is revoked' })
  throw new ClaimCheckUnavailableError({ reason: 'revocation_check_unavailable', detail: `the "isRevoked" hook answered ${describe(revoked)}, not true or false` })
}

function unavailable(error: unknown): ClaimCheckUnavailableError {
  return new ClaimCheckUnavailableError({ reason: 'revocation_check_unavailable', detail: `the "isRevoked" hook failed: ${error instanceof Error ? error.message : String(error)}`, cause: error })
}

function isThenable(value: unknown): value is PromiseLike<boolean> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
