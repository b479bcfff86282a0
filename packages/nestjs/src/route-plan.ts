/**
 * What one handler needs, from the marks on it and on its controller, settled on its first request and
 * then reused. The handler's own marks are the more specific: `@Public()` on a handler opens it even in a
 * controller with requirements; a handler with a requirement is protected even in a `@Public()` controller.
 */
import type { RouteRequirement, Verifier } from '@tokenguard/core/adapter'
import { marksOf } from './decorators.js'

export interface RoutePlan {
  /** `undefined` for a public route. */
  readonly base: RouteRequirement | undefined
  /** Applied after the base requirement, in order: the controller's, then the handler's. */
  readonly requirements: readonly RouteRequirement[]
}

export function routePlans(verifier: Verifier): (controller: object, handler: object) => RoutePlan {
  const plans = new WeakMap<object, RoutePlan>()
  const required = verifier.requirement()
  const optional = verifier.requirement({ optional: true })
  return (controller, handler) => {
    let plan = plans.get(handler)
    if (plan === undefined) {
      plan = settle(marksOf(controller), marksOf(handler), required, optional)
      plans.set(handler, plan)
    }
    return plan
  }
}

function settle(controller: ReturnType<typeof marksOf>, handler: ReturnType<typeof marksOf>, required: RouteRequirement, optional: RouteRequirement): RoutePlan {
  const requirements = Object.freeze([...(controller?.requirements ?? []), ...(handler?.requirements ?? [])])
  const isPublic = handler?.public === true || (controller?.public === true && (handler?.requirements.length ?? 0) === 0 && handler?.optional !== true)
  if (isPublic) return Object.freeze({ base: undefined, requirements: Object.freeze([]) })
  const isOptional = handler?.optional === true || controller?.optional === true
  return Object.freeze({ base: isOptional ? optional : required, requirements })
}
