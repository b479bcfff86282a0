/**
 * What an introspection answer must say for the token to be accepted (RFC 7662 §2.2): `active: true`, and
 * then the same rules as a JWT's claims where the answer carries them — `iss` is this issuer, `exp` and
 * `nbf` hold (with the clock tolerance), `aud` names this API (and must be present unless
 * `requireAudience` is off), `token_type` is a bearer token, no unproven sender binding (`cnf`), the
 * required claims and the `claims` checks. A pure function of the answer and the clock, so a cached
 * answer is judged again, exactly, on every use.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
import type { ChallengeContext } from './challenge.js'
import { firstFailedClaim, type ClaimCheck } from './claims.js'
import type { RefusalInit } from './errors.js'

/** The issuer's rules an answer is judged by. Times in seconds, like the options they come from. */
export interface IntrospectionRules {
  issuer: string
  audience: readonly string[]
  audienceClaim: string
  requireAudience: boolean
  clockTolerance: number
  maxTokenAge: number | undefined
  requiredClaims: readonly string[]
  claimChecks: ReadonlyArray<readonly [string, ClaimCheck]>
  challenge: ChallengeContext
}

/** An accepted answer, with the clock window (epoch milliseconds) in which it stays acceptable. */
export interface AcceptedAnswer {
  accepted: true
  validFrom: number
  validUntil: number
}

/** A refused answer: the refusal to throw, and its wire description when not the generic one. */
export interface RefusedAnswer {
  accepted: false
  refusal: RefusalInit
  description?: string | undefined
}

const STRING_MEMBERS = ['iss', 'sub', 'client_id', 'scope', 'token_type', 'username', 'jti'] as const
const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const
const EXPIRED_DESCRIPTION = 'The access token expired'

/** Judges `response` at `now` (epoch milliseconds). */
export function evaluateIntrospection(response: Readonly<Record<string, unknown>>, now: number, rules: IntrospectionRules): AcceptedAnswer | RefusedAnswer {
  const refuse = (reason: RefusalInit['reason'], detail: string, description?: string): RefusedAnswer => ({ accepted: false, refusal: { ...rules.challenge, reason, detail }, description })
  if (response.active !== true) return refuse('token_inactive', 'the authorization server reports the token inactive (revoked, expired, or never issued)')
  const malformed = malformedMember(response)
  if (malformed !== undefined) return refuse('claim_invalid', malformed)
  if (response.iss !== undefined && response.iss !== rules.issuer) {
    return refuse('issuer_mismatch', `introspection "iss" ${JSON.stringify(response.iss)} is not the configured issuer ${JSON.stringify(rules.issuer)}`)
  }
  const times = timeRefusal(response, now / 1000, rules)
  if (times !== undefined) return refuse(...times)
  const audience = audienceRefusal(response, rules)
  if (audience !== undefined) return refuse(...audience)
  const type = typeRefusal(response)
  if (type !== undefined) return refuse(...type)
  const missing = rules.requiredClaims.find((name) => response[name] === undefined)
  if (missing !== undefined) return refuse('claim_missing', `the introspection answer has no "${missing}"`)
  const failed = firstFailedClaim(response, rules.claimChecks)
  if (failed !== undefined) return refuse('claim_invalid', `claim "${failed}" does not satisfy the "claims" option`)
  return { accepted: true, ...validityWindow(response, rules) }
}

function malformedMember(response: Readonly<Record<string, unknown>>): string | undefined {
  for (const name of STRING_MEMBERS) if (response[name] !== undefined && typeof response[name] !== 'string') return `introspection "${name}" is not a string`
  for (const name of NUMERIC_DATES) {
    const value = response[name]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `introspection "${name}" is not a finite number`
  }
  const aud = response.aud
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((value) => typeof value === 'string'))) return 'introspection "aud" is not a string or an array of strings'
  return undefined
}

type Refusal = [RefusalInit['reason'], string, string?]

function timeRefusal(response: Readonly<Record<string, unknown>>, nowSeconds: number, rules: IntrospectionRules): Refusal | undefined {
  const { exp, nbf, iat } = response as { exp?: number; nbf?: number; iat?: number }
  const tolerance = rules.clockTolerance
  if (exp !== undefined && nowSeconds >= exp + tolerance) return ['token_expired', 'introspection "exp" is past', EXPIRED_DESCRIPTION]
  if (nbf !== undefined && nowSeconds < nbf - tolerance) return ['token_not_yet_valid', 'introspection "nbf" is in the future']
  if (rules.maxTokenAge === undefined) return undefined
  if (iat === undefined) return ['claim_missing', 'the introspection answer has no "iat", which "maxTokenAge" needs']
  if (nowSeconds > iat + rules.maxTokenAge + tolerance) return ['token_too_old', `the token was issued more than ${rules.maxTokenAge} s ago`]
  return undefined
}

function audienceRefusal(response: Readonly<Record<string, unknown>>, rules: IntrospectionRules): Refusal | undefined {
  const name = rules.audienceClaim
  const value = response[name]
  if (value === undefined) {
    if (name === 'aud' && !rules.requireAudience) return undefined
    const fix = name === 'aud' ? ' (set introspection.requireAudience: false for an authorization server that never names audiences)' : ''
    return ['claim_missing', `the introspection answer has no "${name}"${fix}`]
  }
  const named = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  if (named.some((audience) => rules.audience.includes(audience as string))) return undefined
  return ['audience_mismatch', `introspection "${name}" ${JSON.stringify(value)} does not name this API (expected one of ${JSON.stringify(rules.audience)})`]
}

/** `token_type` (RFC 7662 §2.2, values from RFC 6749 §7.1): a bearer token; a DPoP-bound one needs its proof. */
function typeRefusal(response: Readonly<Record<string, unknown>>): Refusal | undefined {
  const type = typeof response.token_type === 'string' ? response.token_type.toLowerCase() : undefined
  if (type === 'dpop' || response.cnf !== undefined) {
    const methods = typeof response.cnf === 'object' && response.cnf !== null ? Object.keys(response.cnf).join(', ') : String(response.token_type)
    return ['token_binding_unverified', `the token is sender-constrained (${methods || 'cnf'}) and this request does not prove the binding`]
  }
  if (type !== undefined && type !== 'bearer') return ['token_type_not_allowed', `introspection "token_type" ${JSON.stringify(response.token_type)} is not an access token type this API accepts`]
  return undefined
}

function validityWindow(response: Readonly<Record<string, unknown>>, rules: IntrospectionRules): { validFrom: number; validUntil: number } {
  const { exp, nbf, iat } = response as { exp?: number; nbf?: number; iat?: number }
  const validFrom = nbf === undefined ? Number.NEGATIVE_INFINITY : (nbf - rules.clockTolerance) * 1000
  // Never past `exp` itself: the tolerance forgives clock skew when judging, it does not extend a cache entry.
  let validUntil = exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000
  if (rules.maxTokenAge !== undefined && iat !== undefined) validUntil = Math.min(validUntil, (iat + rules.maxTokenAge + rules.clockTolerance) * 1000)
  return { validFrom, validUntil }
}
