/**
 * The observability of each instrumented variant, set up in its server process before the app is built:
 * the OpenTelemetry SDKs registered globally (for `-otel-sdk` and `-observed`), an audit sink and a
 * `tokenguard:decision` subscriber (for `-observed`). The metrics reader never exports during a run: what is
 * measured is recording, not shipping.
 */
import diagnostics from 'node:diagnostics_channel'
import * as api from '@opentelemetry/api'
import { DECISION_CHANNEL, type DecisionEvent, type VerifierOptions } from '@tokenguard/core'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

let registered = false

function registerSdks(): void {
  if (registered) return
  registered = true
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })
  api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }))
}

/** Counts what the sinks received, so that the work cannot be optimised away. */
export const received = { audit: 0, channel: 0 }

/** The verifier options a variant adds. */
export function observabilityFor(variant: string): Pick<VerifierOptions, 'telemetry' | 'audit'> {
  if (variant.endsWith('-otel')) return { telemetry: { api } }
  if (variant.endsWith('-otel-sdk')) {
    registerSdks()
    return { telemetry: { api } }
  }
  if (variant.endsWith('-observed')) {
    registerSdks()
    diagnostics.subscribe(DECISION_CHANNEL, () => void received.channel++)
    return { telemetry: { api }, audit: (event: DecisionEvent) => void (received.audit += event.outcome === 'accepted' ? 1 : 0) }
  }
  return {}
}
