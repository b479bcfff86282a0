/**
 * Route and controller decorators. Each compiles its requirement when the class is declared (a bad scope
 * name or an empty list throws at startup) and records it beside the handler or controller, where the
 * guard reads it. Stacked decorators add up: `@Scopes('a')` on the controller and `@Scopes('b')` on a
 * handler require both, as Express guards in a row do.
 */
import type { ClaimCheck } from '@tokenguard/core'
import { claimName, compileRequirement, type RouteRequirement } from '@tokenguard/core/adapter'

/** What the decorators say about one handler or controller. */
export interface RouteMarks {
  public: boolean
  optional: boolean
  requirements: RouteRequirement[]
}

// Beside the function rather than in reflect-metadata: nothing here needs Nest's reflector.
const marks = new WeakMap<object, RouteMarks>()

/** The marks on a handler or controller class, if any. */
export function marksOf(target: object): RouteMarks | undefined {
  return marks.get(target)
}

/** The route needs no token; `@Auth()` is then `null`. On a controller, every handler of it (unless the handler has a requirement). */
export function Public(): ClassDecorator & MethodDecorator {
  return mark('Public', (route) => void (route.public = true))
}

/** A request without any token passes (`@Auth()` is `null`); a request with a bad token is still refused. */
export function OptionalAuth(): ClassDecorator & MethodDecorator {
  return mark('OptionalAuth', (route) => void (route.optional = true))
}

/** Requires every one of `scopes` (403 `insufficient_scope` naming them otherwise). */
export function Scopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  return requirement('Scopes', compileRequirement({ scopes }))
}

/** Requires at least one of `scopes`. */
export function AnyScope(...scopes: string[]): ClassDecorator & MethodDecorator {
  return requirement('AnyScope', compileRequirement({ anyScopes: scopes }))
}

/**
 * Requires claim `name` to equal `check` (for array claims: to contain it), or `check(value, claims)` to
 * return `true`. Refusals are 401 `invalid_token` with reason `claim_requirement_failed`.
 */
export function Claim(name: string, check: ClaimCheck): ClassDecorator & MethodDecorator {
  return requirement('Claim', compileRequirement({ claims: { [claimName(name, '@Claim()', "@Claim('client_id', 'orders-worker')")]: check } }))
}

function requirement(name: string, compiled: RouteRequirement): ClassDecorator & MethodDecorator {
  return mark(name, (route) => void route.requirements.push(compiled))
}

function mark(name: string, apply: (route: RouteMarks) => void): ClassDecorator & MethodDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const marked = (descriptor?.value as object | undefined) ?? target
    if (typeof marked !== 'function') throw new TypeError(`tokenguard: @${name}() decorates a controller class or a route handler method`)
    const route = marks.get(marked) ?? { public: false, optional: false, requirements: [] }
    apply(route)
    // Contradictions are startup errors, not a guess about which decorator was meant.
    if (route.public && (route.optional || route.requirements.length > 0)) throw new TypeError(`tokenguard: @Public() cannot be combined with @${route.optional ? 'OptionalAuth' : 'Scopes/AnyScope/Claim'}() on the same ${descriptor ? 'handler' : 'controller'}`)
    marks.set(marked, route)
  }) as ClassDecorator & MethodDecorator
}
