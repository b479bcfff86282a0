/**
 * The audit record of one decision, built only when an audit sink or a channel subscriber wants it. It names
 * who asked for what and what was decided — never the token, nor any part of its signature.
 */
import type { AuthContext } from '../auth-context.js'
import type { Decision } from '../decision.js'
import { headerValue, type RequestView } from '../request.js'
import type { RouteRequirement } from '../requirement.js'
import type { DecisionCheck, DecisionEvent } from './option-types.js'

export type { DecisionCheck, DecisionEvent } from './option-types.js'

/** Builds the event (`auth` is the verified token when there was one, also behind a scope refusal). */
export function decisionEvent(
  view: RequestView | undefined,
  requirement: RouteRequirement,
  decision: Decision<object>,
  auth: AuthContext<object> | undefined,
  check: DecisionCheck,
  durationMs: number,
): DecisionEvent {
  const error = decision.outcome === 'refused' ? decision.error : undefined
  const claims = auth?.claims as Record<string, unknown> | undefined
  const facts = error?.facts
  return {
    time: Date.now(),
    outcome: decision.outcome,
    status: error?.status,
    reason: error?.reason,
    check,
    durationMs,
    verified: auth !== undefined,
    iss: auth === undefined ? facts?.iss : text(claims!.iss),
    client_id: auth === undefined ? facts?.client_id : text(claims!.client_id),
    sub: text(claims?.sub),
    kid: auth === undefined ? facts?.kid : text(auth.header.kid),
    jti: text(claims?.jti),
    scopesRequired: requirement.scopes,
    scopesGranted: auth === undefined ? undefined : [...auth.scopes],
    route: view?.route,
    method: view?.method,
    remoteAddress: view?.remoteAddress,
    userAgent: view === undefined ? undefined : userAgentOf(view),
  }
}

const MAX_LENGTH = 200

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  return value.length > MAX_LENGTH ? `${value.slice(0, MAX_LENGTH)}…` : value
}

function userAgentOf(view: RequestView): string | undefined {
  const value = headerValue(view.headers, 'user-agent')
  return text(Array.isArray(value) ? value[0] : value)
}
