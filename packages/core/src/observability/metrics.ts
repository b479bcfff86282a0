/**
 * The verifier's OpenTelemetry instruments, created once per verifier from the application's meter. When
 * the global meter provider is OpenTelemetry's no-op one (no SDK registered), no instrument is created and
 * the verifier records nothing: the request path is the same as without `telemetry`. Counters are tallied in
 * the process (`tally.ts`); only the duration histogram is recorded per request.
 */
import type { AuthContext } from '../auth-context.js'
import type { Decision } from '../decision.js'
import type { TokenGuardError } from '../errors.js'
import type { KeySourceEvent } from '../events.js'
import type { KeySource } from '../key-source.js'
import { clientIdLabels, type ClientIdAttribute } from './client-id-labels.js'
import type { DecisionCheck } from './decision-event.js'
import { Tally } from './tally.js'
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
  /** One introspection request (RFC 7662) of `issuer`'s check. */
  introspection(issuer: string, outcome: 'success' | 'failure', durationMs: number): void
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
  const verifications = new Tally(meter, 'tokenguard.verifications', { unit: '{decision}', description: 'Decisions on requests, by outcome, reason, issuer and route template' }, MAX_SERIES)
  const duration = meter.createHistogram('tokenguard.verification.duration', {
    unit: 's',
    description: 'Time to decide a request; check=cached for the verified-token cache, full for the signature check',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })
  const lookups = cacheLookups(meter, settings.tokenCache)
  const labels = settings.clientIds === undefined ? undefined : clientIdLabels(settings.clientIds)
  const issuers = new Set(settings.trustedIssuers)
  const durationLabels = new Map<string, TelemetryAttributes>()
  const keys = keyMetrics(meter)
  return {
    decision(decision, auth, check, route, durationMs) {
      const error = decision.outcome === 'refused' ? decision.error : undefined
      const claims = auth?.claims as Record<string, unknown> | undefined
      const issuer = issuerLabel(claims === undefined ? error?.facts?.iss : claims.iss, claims !== undefined, issuers)
      const clientId = labels?.label(claims === undefined ? error?.facts?.client_id : claims.client_id, claims !== undefined)
      const key = `${decision.outcome}\u0000${check}\u0000${error?.reason ?? ''}\u0000${issuer ?? ''}\u0000${clientId ?? ''}\u0000${route ?? ''}`
      if (!verifications.increment(key)) verifications.start(key, decisionAttributes(decision.outcome, check, error, issuer, route, clientId))
      duration.record(durationMs / 1000, durationAttributes(durationLabels, decision.outcome, check, issuer))
      if (lookups !== undefined && check !== 'none') lookups[check === 'cached' ? 'hits' : 'misses'] += 1
    },
    keyEvent: keys.keyEvent,
    watchKeys: keys.watchKeys,
    introspection: keys.introspection,
  }
}

// Series of tokenguard.verifications kept in the process before counting into the overflow series.
const MAX_SERIES = 5_000

/** The verified-token cache's hits and misses, counted here and reported when collected. */
function cacheLookups(meter: MeterLike, cache: { readonly size: number } | undefined): { hits: number; misses: number } | undefined {
  if (cache === undefined) return undefined
  const counts = { hits: 0, misses: 0 }
  meter.createObservableCounter('tokenguard.token_cache.lookups', { unit: '{lookup}', description: 'Verified-token cache lookups, by result (hit, miss)' }).addCallback((result) => {
    result.observe(counts.hits, HIT)
    result.observe(counts.misses, MISS)
  })
  meter.createObservableGauge('tokenguard.token_cache.size', { unit: '{token}', description: 'Tokens in the verified-token cache' }).addCallback((result) => result.observe(cache.size))
  return counts
}

const HIT = Object.freeze({ result: 'hit' })
const MISS = Object.freeze({ result: 'miss' })

/** The issuer attribute: a verified `iss` (remembered, bounded), or a refusal's unverified one only when trusted. */
function issuerLabel(iss: unknown, verified: boolean, issuers: Set<string>): string | undefined {
  if (typeof iss !== 'string') return undefined
  if (verified && !issuers.has(iss) && issuers.size < MAX_LABELLED_ISSUERS) issuers.add(iss)
  return issuers.has(iss) ? iss : undefined
}

function decisionAttributes(outcome: string, check: DecisionCheck, error: TokenGuardError | undefined, issuer: string | undefined, route: string | undefined, clientId: string | undefined): TelemetryAttributes {
  const attributes: TelemetryAttributes = { outcome, check }
  if (error !== undefined) {
    attributes.reason = error.reason
    attributes.status = error.status
  }
  if (issuer !== undefined) attributes.issuer = issuer
  if (route !== undefined) attributes.route = route
  if (clientId !== undefined) attributes.client_id = clientId
  return attributes
}

// The histogram is sliced by outcome, check and issuer only (reasons and routes would multiply its buckets);
// its attribute objects are made once per combination.
function durationAttributes(made: Map<string, TelemetryAttributes>, outcome: string, check: DecisionCheck, issuer: string | undefined): TelemetryAttributes {
  const key = `${outcome}\u0000${check}\u0000${issuer ?? ''}`
  let attributes = made.get(key)
  if (attributes === undefined) {
    attributes = Object.freeze(issuer === undefined ? { outcome, check } : { outcome, check, issuer })
    if (made.size < MAX_LABELLED_ISSUERS * 6) made.set(key, attributes)
  }
  return attributes
}

function keyMetrics(meter: MeterLike) {
  const fetches: CounterLike = meter.createCounter('tokenguard.jwks.fetches', { unit: '{fetch}', description: 'Key set fetches (with discovery when needed), by outcome and cause' })
  const fetchDuration: HistogramLike = meter.createHistogram('tokenguard.jwks.fetch.duration', {
    unit: 's',
    description: 'Time of key set fetches, discovery included',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })
  const introspections: CounterLike = meter.createCounter('tokenguard.introspection.requests', { unit: '{request}', description: 'Token introspection requests (RFC 7662), by outcome' })
  const introspectionDuration: HistogramLike = meter.createHistogram('tokenguard.introspection.duration', {
    unit: 's',
    description: 'Time of introspection requests, discovery of the endpoint included',
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
    introspection(issuer: string, outcome: 'success' | 'failure', durationMs: number): void {
      introspections.add(1, { issuer, outcome })
      introspectionDuration.record(durationMs / 1000, { issuer, outcome })
    },
    watchKeys(issuer: string, source: KeySource): void {
      watched.delete(issuer) // a rebuilt source (a resolver's issuer back in its slot) replaces the old one
      if (watched.size >= MAX_WATCHED_KEY_SOURCES) watched.delete(watched.keys().next().value!)
      watched.set(issuer, new WeakRef(source))
    },
  }
}
