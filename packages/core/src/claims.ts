/**
 * Claim checks: an expected value, or a predicate, per claim name. Used by routes (`claims` of a route
 * requirement) and by the verifier (`claims` option), validated once at configuration time.
 */

/** A check on one claim: an expected value (for array claims: a member), or a predicate. */
export type ClaimCheck = string | number | boolean | ((value: unknown, claims: Readonly<Record<string, unknown>>) => boolean)

/** Validates claim checks once, at configuration time. */
export function compileClaimChecks(claims: Readonly<Record<string, ClaimCheck>> | undefined): ReadonlyArray<readonly [string, ClaimCheck]> {
  if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) {
    throw new TypeError('tokenguard: "claims" must be an object of claim name to value or predicate')
  }
  const checks = Object.entries(claims ?? {})
  for (const [name, check] of checks) {
    if (!['string', 'number', 'boolean', 'function'].includes(typeof check)) {
      throw new TypeError(`tokenguard: the check for claim ${JSON.stringify(name)} must be a value or a function`)
    }
  }
  return Object.freeze(checks)
}

/** The name of the first claim whose check fails, or `undefined` when all hold. */
export function firstFailedClaim(claims: Readonly<Record<string, unknown>>, checks: ReadonlyArray<readonly [string, ClaimCheck]>): string | undefined {
  for (const [name, check] of checks) if (!claimHolds(claims, name, check)) return name
  return undefined
}

function claimHolds(claims: Readonly<Record<string, unknown>>, name: string, check: ClaimCheck): boolean {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined
  if (typeof check === 'function') return safely(() => check(value, claims))
  return value === check || (Array.isArray(value) && value.includes(check))
}

function safely(predicate: () => boolean): boolean {
  try {
    return predicate() === true
  } catch {
    return false
  }
}
