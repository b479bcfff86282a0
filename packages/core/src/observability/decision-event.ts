/**
 * The audit record of one decision, built only when an audit sink or a channel subscriber wants it. It names
 * who asked for what and what was decided — never the token, nor any part of its signature.
 */
import type { AuthContext } from '../auth-context.js'
import type { Decision } from '../decision.js'
import { headerValue, type RequestView } from '../request.js'
import type { RefusalReason } from '../errors.js'
import type { RouteRequirement } from '../requirement.js'
import type { ScopeRequirement } from '../scopes.js'

/** How a decision was reached: from the verified-token cache, by the full check, or without verifying anything. */
export type DecisionCheck = 'cached' | 'full' | 'none'

/**
 * One decision, as audit sinks and `tokenguard:decision` subscribers receive it. Token values (`iss`,
 * `client_id`, `sub`, `kid`, `jti`) are the verified claims when `verified` is `true` (an accepted token, or
 * one refused for its scopes or claims after verification); on other refusals they are what the token
 * claimed, unverified (strings bounded to 200 characters), and `sub`, `jti`, `scopesGranted` are absent.
 */
export interface DecisionEvent {
  /** When the decision was taken, epoch milliseconds. */
  readonly time: number
  readonly outcome: Decision['outcome']
  /** The refusal's HTTP status (400, 401, 403, 503); `undefined` when the request passes. */
  readonly status: number | undefined
  /** The refusal's operator-facing reason; `undefined` when the request passes. */
  readonly reason: RefusalReason | undefined
  readonly check: DecisionCheck
  /** Time the decision took, milliseconds. */
  readonly durationMs: number
  /** Whether the token values below were verified. */
  readonly verified: boolean
  readonly iss: string | undefined
  readonly client_id: string | undefined
  readonly sub: string | undefined
  readonly kid: string | undefined
  readonly jti: string | undefined
  /** What the route asks for: every scope of `all`, and one of `any` when non-empty. */
  readonly scopesRequired: ScopeRequirement
  /** The token's verified scopes; `undefined` when no token was verified. */
  readonly scopesGranted: readonly string[] | undefined
  /** The route's template (`/items/:id`), when the adapter knows it; never the raw path. */
  readonly route: string | undefined
  readonly method: string | undefined
  readonly remoteAddress: string | undefined
  /** The `User-Agent` header, at most 200 characters. */
  readonly userAgent: string | undefined
}

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
