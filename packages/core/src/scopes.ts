/**
 * Scopes: reading them from whichever claims the provider uses, and checking a route's requirement.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 (insufficient_scope)
 */
import type { ChallengeContext } from './challenge.js'
import { InsufficientScopeError } from './errors.js'
import { looksLikeRequest } from './option-keys.js'

/**
 * A claim that carries scopes. Known names: `scope` (space-delimited string), `scp` (string or array),
 * `permissions` and `roles` (arrays). Any other claim name is read the same way: a string is split on
 * spaces, an array contributes its string members.
 */
export type ScopeClaim = 'scope' | 'scp' | 'permissions' | 'roles' | (string & {})

/** Reads the granted scopes from `claims`, merging every configured claim. Malformed values contribute nothing. */
export function readScopes(claims: Record<string, unknown>, scopeClaims: readonly ScopeClaim[]): ReadonlySet<string> {
  const scopes = new Set<string>()
  for (const name of scopeClaims) addScopes(scopes, claims[name])
  return new GrantedScopes(scopes)
}

/**
 * A set that cannot be changed, even by a cast: verified results are shared between requests through the
 * verified-token cache, so a handler that "adds" a scope must not grant it to the next request.
 */
class GrantedScopes implements ReadonlySet<string> {
  readonly #scopes: Set<string>

  constructor(scopes: Set<string>) {
    this.#scopes = scopes
  }

  get size(): number {
    return this.#scopes.size
  }
  has(scope: string): boolean {
    return this.#scopes.has(scope)
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const scope of this.#scopes) callback.call(thisArg, scope, scope, this)
  }
  entries(): SetIterator<[string, string]> {
    return this.#scopes.entries()
  }
  keys(): SetIterator<string> {
    return this.#scopes.keys()
  }
  values(): SetIterator<string> {
    return this.#scopes.values()
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.#scopes.values()
  }
  toJSON(): string[] {
    return [...this.#scopes]
  }
}

function addScopes(into: Set<string>, value: unknown): void {
  if (typeof value === 'string') {
    for (const scope of value.split(' ')) if (scope !== '') into.add(scope)
  } else if (Array.isArray(value)) {
    for (const scope of value) if (typeof scope === 'string' && scope !== '') into.add(scope)
  }
}

/** A route's scope requirement, compiled once. */
export interface ScopeRequirement {
  /** Every one of these scopes is needed. */
  readonly all: readonly string[]
  /** At least one of these scopes is needed (when non-empty). */
  readonly any: readonly string[]
}

/** An empty requirement: any valid token passes. */
export const NO_SCOPES: ScopeRequirement = Object.freeze({ all: Object.freeze([]), any: Object.freeze([]) })

/** Validates scope names once, at configuration time (RFC 6749 §3.3 scope-token syntax). */
export function scopeRequirement(all: readonly string[] = [], any: readonly string[] = []): ScopeRequirement {
  for (const scope of [...all, ...any]) {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) {
      throw new TypeError(`tokenguard: ${describeScope(scope)} is not a valid scope name${scopeHint(scope)}`)
    }
  }
  if (all.length === 0 && any.length === 0) return NO_SCOPES
  return Object.freeze({ all: Object.freeze([...all]), any: Object.freeze([...any]) })
}

function describeScope(scope: unknown): string {
  if (typeof scope === 'object' && scope !== null && !Array.isArray(scope)) return looksLikeRequest(scope) ? 'a request object' : 'an object'
  return typeof scope === 'function' ? 'a function' : (JSON.stringify(scope) ?? String(scope))
}

// The usual slips: a list where each scope is its own argument, one space-delimited string, a guard factory mounted uncalled.
function scopeHint(scope: unknown): string {
  if (Array.isArray(scope)) return ' (give each scope as its own argument, or spread the list: requireScopes(...scopes))'
  if (typeof scope === 'string' && /\s/.test(scope.trim())) return ` (one scope per entry: ${scope.trim().split(/\s+/).map((name) => `'${name}'`).join(', ')})`
  if (typeof scope === 'object' && scope !== null && looksLikeRequest(scope)) return ' (the guard factory was mounted as middleware itself: mount what it returns, e.g. requireScopes(\'read:data\'))'
  // A decorator written without its parentheses (@Scopes) is called with the class or its prototype.
  if (typeof scope === 'function' || (typeof scope === 'object' && scope !== null)) return ' (a decorator used without its parentheses? write @Scopes(\'read:data\'))'
  return ''
}

/** Whether `granted` satisfies `requirement`. */
export function hasScopes(granted: ReadonlySet<string>, requirement: ScopeRequirement): boolean {
  // Indexed loops: `for…of` over these frozen lists makes an iterator and a result object per scope, per request.
  const all = requirement.all
  for (let index = 0; index < all.length; index++) if (!granted.has(all[index]!)) return false
  return hasAnyOf(granted, requirement.any)
}

/** Throws `insufficient_scope` (403) naming the needed scopes unless `granted` satisfies `requirement`. */
export function assertScopes(granted: ReadonlySet<string>, requirement: ScopeRequirement, context: ChallengeContext = {}): void {
  if (hasScopes(granted, requirement)) return
  const missingAll = requirement.all.filter((scope) => !granted.has(scope))
  const missingAny = hasAnyOf(granted, requirement.any) ? [] : requirement.any
  // "one of" is said as such: a list of any-of scopes read as "missing a b" would suggest both are needed.
  const parts = [missingAll.length > 0 ? `missing scope(s): ${missingAll.join(' ')}` : undefined, missingAny.length > 0 ? `needs one of: ${missingAny.join(', ')}` : undefined]
  const detail = `${parts.filter((part) => part !== undefined).join('; ')} (granted: ${[...granted].join(' ') || 'none'})`
  // The challenge names everything the route asks for, so a client can request it in one go.
  throw new InsufficientScopeError({ ...context, reason: 'insufficient_scope', detail }, [...requirement.all, ...requirement.any])
}

function hasAnyOf(granted: ReadonlySet<string>, any: readonly string[]): boolean {
  if (any.length === 0) return true
  for (let index = 0; index < any.length; index++) if (granted.has(any[index]!)) return true
  return false
}
