/**
 * The verifier's OpenTelemetry instruments, created once per verifier from the application's meter. When
 * the global meter provider is OpenTelemetry's no-op one (no SDK registered), no instrument is created and
 * the verifier records nothing: the request path pays one `undefined` check.
 */
import type { AuthContext } from '../auth-context.js'
import type { Decision } from '../decision.js'
import type { KeySourceEvent } from '../events.js'
import type { KeySource } from '../key-source.js'
import { clientIdLabels, type ClientIdAttribute, type ClientIdLabels } from './client-id-labels.js'
import type { DecisionCheck } from './decision-event.js'
import type { CounterLike, HistogramLike, MeterLike, OpenTelemetryApi, TelemetryAttributes } from './telemetry-api.js'

/** The instrumentation scope name of every tokenguard meter and tracer. */
export const INSTRUMENTATION_SCOPE = '@tokenguard/core'

/** Bucket boundaries (seconds) from a cached check (~1 µs) to a cold key fetch (seconds). */
export const DURATION_BUCKETS = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Issuers whose name may label a refusal (their `iss` is unverified): the configured ones and those seen verified.
const MAX_LABELLED_ISSUERS = 1_000
// Key sources whose age is reported (a resolver's issuers come and go).
const MAX_WATCHED_KEY_SOURCES = 1_000

/** What the verifier records. */
export interface VerifierMetrics {
  decision(decision: Decision<object>, auth: AuthContext<object> | undefined, check: DecisionCheck, route: string | undefined, durationMs: number): void
  keyEvent(issuer: string, event: KeySourceEvent): void
  /** Reports the age of `source`'s keys (as `tokenguard.jwks.age`) for as long as the source is alive. */
  watchKeys(issuer: string, source: KeySource): void
}

/** Settled `telemetry` options and what the metrics need from the verifier. */
export interface MetricsSettings {
  clientIds?: ClientIdAttribute | undefined
  trustedIssuers: readonly string[]
  tokenCache?: { readonly size: number } | undefined
}

/** The instruments, or `undefined` when nothing would record them. */
export function verifierMetrics(api: OpenTelemetryApi, settings: MetricsSettings): VerifierMetrics | undefined {
  const meter = api.metrics.getMeter(INSTRUMENTATION_SCOPE)
  if (api.createNoopMeter !== undefined && meter === api.createNoopMeter()) return undefined
  const verifications = meter.createCounter('tokenguard.verifications', { unit: '{decision}', description: 'Decisions on requests, by outcome, reason, issuer and route template' })
  const duration = meter.createHistogram('tokenguard.verification.duration', {
    unit: 's',
    description: 'Time to decide a request; check=cached for the verified-token cache, full for the signature check',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })
  const cacheLookups = meter.createCounter('tokenguard.token_cache.lookups', { unit: '{lookup}', description: 'Verified-token cache lookups, by result (hit, miss)' })
  const labels = settings.clientIds === undefined ? undefined : clientIdLabels(settings.clientIds)
  const issuers = new Set(settings.trustedIssuers)
  const keys = keyMetrics(settings, meter)
  return {
    decision(decision, auth, check, route, durationMs) {
      const attributes = decisionAttributes(decision, auth, check, route, issuers, labels)
      verifications.add(1, attributes)
      duration.record(durationMs / 1000, durationAttributes(attributes))
      if (settings.tokenCache !== undefined && check !== 'none') cacheLookups.add(1, check === 'cached' ? HIT : MISS)
    },
    keyEvent: keys.keyEvent,
    watchKeys: keys.watchKeys,
  }
}

const HIT = Object.freeze({ result: 'hit' })
const MISS = Object.freeze({ result: 'miss' })

function decisionAttributes(
  decision: Decision<object>,
  auth: AuthContext<object> | undefined,
  check: DecisionCheck,
  route: string | undefined,
  issuers: Set<string>,
  labels: ClientIdLabels | undefined,
): TelemetryAttributes {
  const attributes: TelemetryAttributes = { outcome: decision.outcome, check }
  const claims = auth?.claims as Record<string, unknown> | undefined
  const facts = decision.outcome === 'refused' ? decision.error.facts : undefined
  if (decision.outcome === 'refused') {
    attributes.reason = decision.error.reason
    attributes.status = decision.error.status
  }
  const iss = claims === undefined ? facts?.iss : claims.iss
  if (typeof iss === 'string') {
    if (claims !== undefined && !issuers.has(iss) && issuers.size < MAX_LABELLED_ISSUERS) issuers.add(iss)
    if (issuers.has(iss)) attributes.issuer = iss
  }
  if (route !== undefined) attributes.route = route
  const clientId = labels?.label(claims === undefined ? facts?.client_id : claims.client_id, claims !== undefined)
  if (clientId !== undefined) attributes.client_id = clientId
  return attributes
}

// The histogram is sliced by outcome, check and issuer only: reasons and routes multiply its buckets.
function durationAttributes(attributes: TelemetryAttributes): TelemetryAttributes {
  const sliced: TelemetryAttributes = { outcome: attributes.outcome, check: attributes.check }
  if (attributes.issuer !== undefined) sliced.issuer = attributes.issuer
  return sliced
}

function keyMetrics(settings: MetricsSettings, meter: MeterLike) {
  const fetches: CounterLike = meter.createCounter('tokenguard.jwks.fetches', { unit: '{fetch}', description: 'Key set fetches (with discovery when needed), by outcome and cause' })
  const fetchDuration: HistogramLike = meter.createHistogram('tokenguard.jwks.fetch.duration', {
    unit: 's',
    description: 'Time of key set fetches, discovery included',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })
  const watched = new Map<string, WeakRef<KeySource>>()
  meter.createObservableGauge('tokenguard.jwks.age', { unit: 's', description: 'Age of the key set in use, per issuer (since it was fetched)' }).addCallback((result) => {
    const now = Date.now()
    for (const [issuer, ref] of watched) {
      const snapshot = ref.deref()?.export()
      if (snapshot === undefined) {
        if (ref.deref() === undefined) watched.delete(issuer)
        continue
      }
      result.observe((now - snapshot.fetchedAt) / 1000, { issuer })
    }
  })
  const cache = settings.tokenCache
  if (cache !== undefined) {
    meter.createObservableGauge('tokenguard.token_cache.size', { unit: '{token}', description: 'Tokens in the verified-token cache' }).addCallback((result) => result.observe(cache.size))
  }
  return {
    keyEvent(issuer: string, event: KeySourceEvent): void {
      if (event.type === 'fetch_success') {
        fetches.add(1, { issuer, outcome: 'success', cause: event.cause })
        fetchDuration.record(event.durationMs / 1000, { issuer, outcome: 'success' })
      } else if (event.type === 'fetch_failure') {
        fetches.add(1, { issuer, outcome: 'failure', cause: event.cause, kind: event.kind })
        fetchDuration.record(event.durationMs / 1000, { issuer, outcome: 'failure' })
      }
    },
    watchKeys(issuer: string, source: KeySource): void {
      watched.delete(issuer) // a rebuilt source (a resolver's issuer back in its slot) replaces the old one
      if (watched.size >= MAX_WATCHED_KEY_SOURCES) watched.delete(watched.keys().next().value!)
      watched.set(issuer, new WeakRef(source))
    },
  }
}
