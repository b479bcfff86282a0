/**
 * The claim types RFC 9068 §2.2 prescribes, checked under `profile: 'rfc9068'` after jose's checks. jose
 * checks that the required claims are present, and the types of the time claims and of `iss`, but a `sub`
 * of `1`, a `client_id` of `['bar']` or a `jti` of `true` pass it; an application reading them as strings
 * would then misbehave, so the strict profile refuses them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
import type { ChallengeContext } from './challenge.js'
import { InvalidTokenError } from './errors.js'

type ClaimType = 'string' | 'number' | 'string or array of strings'

// `scope` is optional in the profile; its type is checked when it is present.
const RFC9068_CLAIM_TYPES: ReadonlyArray<readonly [claim: string, type: ClaimType, required: boolean]> = [
  ['sub', 'string', true],
  ['client_id', 'string', true],
  ['jti', 'string', true],
  ['iat', 'number', true],
  ['aud', 'string or array of strings', true],
  ['scope', 'string', false],
]

/**
 * Under the `rfc9068` profile, refuses a token whose RFC 9068 claims have the wrong type: 401
 * `invalid_token`, reason `claim_invalid`, the detail naming the claim and the expected type.
 */
export function assertProfileClaims(claims: Readonly<Record<string, unknown>>, profile: 'lenient' | 'rfc9068', challenge: ChallengeContext): void {
  if (profile !== 'rfc9068') return
  for (const [claim, type, required] of RFC9068_CLAIM_TYPES) {
    const value = Object.hasOwn(claims, claim) ? claims[claim] : undefined
    if (value === undefined && !required) continue
    if (!hasType(value, type)) {
      throw new InvalidTokenError({ ...challenge, reason: 'claim_invalid', detail: `claim "${claim}" must be a ${type} (RFC 9068 section 2.2), got ${typeName(value)}` })
    }
  }
}

function hasType(value: unknown, type: ClaimType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'string or array of strings':
      return typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string'))
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : value.every((entry) => typeof entry === 'string') ? 'an array of strings' : 'an array holding a non-string'
  return `a ${typeof value}`
}
