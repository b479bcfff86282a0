/**
 * The verifier's observability options — `telemetry` (OpenTelemetry) and `audit` (decision events) — checked
 * at startup like every other option, and settled into the decision observer and each key source's share.
 */
import { ConfigurationError } from '../errors.js'
import { assertKnownKeys } from '../option-keys.js'
import { describe } from '../option-values.js'
import type { ClientIdAttribute } from './client-id-labels.js'
import { keyObservation, type KeyObservation } from './key-observation.js'
import { verifierMetrics } from './metrics.js'
import { decisionObserver, type DecisionObserver } from './observer.js'
import type { AuditSink, TelemetryOptions } from './option-types.js'

export type { TelemetryOptions } from './option-types.js'
import type { OpenTelemetryApi } from './telemetry-api.js'
import { tracedWith } from './tracing.js'

/** The observability options of `createVerifier()`. */
export interface ObservabilityOptions {
  telemetry?: TelemetryOptions | undefined
  audit?: AuditSink | readonly AuditSink[] | undefined
}

/** The settled observability of one verifier. */
export interface Observability {
  readonly decisions: DecisionObserver | undefined
  readonly keys: KeyObservation
}

const MAX_CLIENT_IDS = 1_000

/** Validates `telemetry` and `audit` and builds what the pipeline and the key sources report to. */
export function settleObservability(options: ObservabilityOptions, trustedIssuers: readonly string[], tokenCache: { readonly size: number } | undefined): Observability {
  const telemetry = settleTelemetry(options.telemetry)
  const sinks = settleAudit(options.audit)
  const metrics = telemetry === undefined ? undefined : verifierMetrics(telemetry.api, { clientIds: telemetry.clientIds, trustedIssuers, tokenCache })
  const trace = telemetry === undefined ? undefined : tracedWith(telemetry.api)
  return { decisions: decisionObserver(metrics, sinks), keys: keyObservation(metrics, trace) }
}

function settleTelemetry(telemetry: unknown): TelemetryOptions | undefined {
  if (telemetry === undefined) return undefined
  assertKnownKeys(telemetry, ['api', 'clientIds'], 'the "telemetry" option', 'telemetry')
  const api = telemetry.api as Partial<OpenTelemetryApi> | undefined
  if (typeof api?.metrics?.getMeter !== 'function' || typeof api.trace?.getTracer !== 'function') {
    throw new ConfigurationError('telemetry.api', `"telemetry.api" must be @opentelemetry/api (import * as api from '@opentelemetry/api'); got ${describe(api)}`)
  }
  return { api: api as OpenTelemetryApi, clientIds: settleClientIds(telemetry.clientIds) }
}

function settleClientIds(value: unknown): ClientIdAttribute | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_CLIENT_IDS) return value
  if (Array.isArray(value) && value.length <= MAX_CLIENT_IDS && value.every((id) => typeof id === 'string' && id !== '')) return Object.freeze([...(value as string[])])
  throw new ConfigurationError('telemetry.clientIds', `"telemetry.clientIds" must be an array of client ids or a whole number of them, at most ${MAX_CLIENT_IDS}; got ${describe(value)}`)
}

function settleAudit(audit: unknown): readonly AuditSink[] {
  if (audit === undefined) return []
  const sinks = Array.isArray(audit) ? audit : [audit]
  if (sinks.some((sink) => typeof sink !== 'function')) {
    throw new ConfigurationError('audit', `"audit" must be a function (event) => void or an array of them; got ${describe(audit)}`)
  }
  return Object.freeze([...(sinks as AuditSink[])])
}
