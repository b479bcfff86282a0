/**
 * The types the verifier's options name — the audit event and its sink, the `telemetry` option — in a module
 * of their own that imports no code, so that the options can name them without depending on the pipeline.
 */
import type { Decision } from '../decision.js'
import type { RefusalReason } from '../errors.js'
import type { ScopeRequirement } from '../scopes.js'
import type { ClientIdAttribute } from './client-id-labels.js'
import type { OpenTelemetryApi } from './telemetry-api.js'

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

/** Receives one {@link DecisionEvent} per decision. Exceptions thrown by it are ignored. */
export type AuditSink = (event: DecisionEvent) => void

/** The `telemetry` option. */
export interface TelemetryOptions {
  /**
   * `@opentelemetry/api`, as `import * as api from '@opentelemetry/api'`: tokenguard never loads it itself.
   * Register the SDK's meter provider before creating the verifier (a meter taken from the no-op provider
   * records nothing, so tokenguard then creates no instrument at all). Required.
   */
  api: OpenTelemetryApi
  /**
   * `client_id` as a metric attribute: an allowlist (others count as `other`), or a number N (the first N
   * client ids of verified tokens; others count as `other`). Default is none: no `client_id` attribute.
   * Accepted: up to 1000 ids.
   */
  clientIds?: ClientIdAttribute | undefined
}
