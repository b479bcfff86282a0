/**
 * Claim checks: an expected value, or a predicate, per claim name. Used by routes (`claims` of a route
 * requirement) and by the verifier (`claims` option), validated once at configuration time.
 *
 * Predicates may be asynchronous (a tenant lookup). The checks stay synchronous for as long as every
 * predicate answers synchronously, so that a cached token on a route with synchronous checks is still
 * decided without a promise; the first predicate that answers with a promise makes the rest wait for it.
 */
import type { ChallengeContext } from './challenge.js'
import { ClaimCheckUnavailableError, InvalidTokenError } from './errors.js'

/**
 * A predicate on one claim: `value` is the claim (`undefined` when absent), `claims` the whole verified set.
 * `true` passes; anything else, or a throw, fails the check. A promise may be returned: a rejection is an
 * outage of what the predicate consults (503 `claim_check_unavailable`), not a verdict on the token.
 */
export type ClaimPredicate = (value: unknown, claims: Readonly<Record<string, unknown>>) => boolean | PromiseLike<boolean>

/** A check on one claim: an expected value (for array claims: a member), or a predicate. */
export type ClaimCheck = string | number | boolean | ClaimPredicate

/** Compiled claim checks, in the order they run. */
export type ClaimChecks = ReadonlyArray<readonly [string, ClaimCheck]>

/** Validates claim checks once, at configuration time. */
export function compileClaimChecks(claims: Readonly<Record<string, ClaimCheck>> | undefined): ClaimChecks {
  if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) {
    throw new TypeError('tokenguard: "claims" must be an object of claim name to value or predicate')
  }
  const checks = Object.entries(claims ?? {})
  for (const [name, check] of checks) {
    if (!['string', 'number', 'boolean', 'function'].includes(typeof check)) {
      // requireClaim mounted uncalled gets (req, res, next): the request becomes the name "[object Object]".
      const hint = name === '[object Object]' ? ' (the guard factory was mounted as middleware itself: mount what it returns, e.g. requireClaim(\'tenant\', \'acme\'))' : ''
      throw new TypeError(`tokenguard: the check for claim ${JSON.stringify(name)} must be a value or a function${hint}`)
    }
  }
  return Object.freeze(checks)
}

/**
 * The name of the first claim whose check fails, or `undefined` when all hold — synchronously while the
 * predicates answer synchronously, else a promise (rejecting with a {@link ClaimCheckUnavailableError}).
 */
export function firstFailedClaim(claims: Readonly<Record<string, unknown>>, checks: ClaimChecks): string | undefined | Promise<string | undefined> {
  return firstFailedFrom(claims, checks, 0)
}

/**
 * The verifier's `claims` option: 401 `claim_invalid` naming the first check that fails; a promise once a
 * predicate answers with one (503 `claim_check_unavailable` when it rejects).
 */
export function assertClaimChecks(claims: Record<string, unknown>, checks: ClaimChecks, challenge: ChallengeContext): void | Promise<void> {
  const failed = firstFailedClaim(claims, checks)
  if (failed instanceof Promise) return failed.then((name) => refuseInvalidClaim(name, challenge))
  refuseInvalidClaim(failed, challenge)
}

function refuseInvalidClaim(failed: string | undefined, challenge: ChallengeContext): void {
  if (failed !== undefined) throw new InvalidTokenError({ ...challenge, reason: 'claim_invalid', detail: `claim "${failed}" does not satisfy the "claims" option` })
}

function firstFailedFrom(claims: Readonly<Record<string, unknown>>, checks: ClaimChecks, start: number): string | undefined | Promise<string | undefined> {
  for (let index = start; index < checks.length; index++) {
    const [name, check] = checks[index]!
    const holds = claimHolds(claims, name, check)
    if (holds === true) continue
    if (holds === false) return name
    return holds.then((held) => (held ? firstFailedFrom(claims, checks, index + 1) : name))
  }
  return undefined
}

function claimHolds(claims: Readonly<Record<string, unknown>>, name: string, check: ClaimCheck): boolean | Promise<boolean> {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined
  if (typeof check !== 'function') return value === check || (Array.isArray(value) && value.includes(check))
  let answer: boolean | PromiseLike<boolean>
  try {
    answer = check(value, claims)
  } catch {
    return false // a predicate that trips over an unexpected claim value refuses it
  }
  if (!isThenable(answer)) return answer === true
  return Promise.resolve(answer).then(
    (held) => held === true,
    (error: unknown) => {
      throw new ClaimCheckUnavailableError({ reason: 'claim_check_unavailable', detail: `the check of claim "${name}" rejected: ${error instanceof Error ? error.message : String(error)}`, cause: error })
    },
  )
}

function isThenable(value: unknown): value is PromiseLike<boolean> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * A claim check that holds when the claim contains every one of `members`: as an element of an array
 * claim (`roles: ['admin']`), or as a word of a space-delimited string claim (`scope: 'read admin'`,
 * RFC 9068 §2.2.3). An absent claim, or one of any other type, fails it. E.g.
 * `requireClaim('scope', includes('admin'))`, or `claims: { groups: includes('staff', 'eu') }`.
 *
 * @throws {TypeError} without members, or with one that is not a non-empty string, a number or a boolean.
 */
export function includes(...members: ReadonlyArray<string | number | boolean>): ClaimPredicate {
  if (members.length === 0) throw new TypeError('tokenguard: includes() needs at least one member')
  for (const member of members) {
    if (!['string', 'number', 'boolean'].includes(typeof member) || member === '') {
      throw new TypeError(`tokenguard: includes() members are non-empty strings, numbers or booleans; got ${JSON.stringify(member)}`)
    }
  }
  const wanted = Object.freeze([...members])
  const predicate: ClaimPredicate = (value) => {
    const present = typeof value === 'string' ? new Set<unknown>(value.split(' ')) : Array.isArray(value) ? new Set<unknown>(value) : undefined
    return present !== undefined && wanted.every((member) => present.has(member))
  }
  return Object.defineProperty(predicate, 'name', { value: `includes(${wanted.map((member) => JSON.stringify(member)).join(', ')})` })
}
