/**
 * The parts of `@opentelemetry/api` tokenguard uses, as structural types. Core never imports the package —
 * not even its types — so it installs, type-checks and runs where it is absent; an application that has it
 * passes its own `import * as api from '@opentelemetry/api'`, which satisfies these interfaces.
 */

/** Attribute values as OpenTelemetry takes them. */
export type TelemetryAttributes = Record<string, string | number | boolean | undefined>

/** A monotonic counter (OpenTelemetry `Counter`). */
export interface CounterLike {
  add(value: number, attributes?: TelemetryAttributes): void
}

/** A histogram (OpenTelemetry `Histogram`). */
export interface HistogramLike {
  record(value: number, attributes?: TelemetryAttributes): void
}

/** What an observable instrument's callback is given (OpenTelemetry `ObservableResult`). */
export interface ObservableResultLike {
  observe(value: number, attributes?: TelemetryAttributes): void
}

/** An observable instrument (OpenTelemetry `Observable`). */
export interface ObservableLike {
  addCallback(callback: (result: ObservableResultLike) => void): void
}

/** Options of an instrument (OpenTelemetry `MetricOptions`). */
export interface InstrumentOptions {
  description?: string
  unit?: string
  advice?: { explicitBucketBoundaries?: number[] }
}

/** A meter (OpenTelemetry `Meter`). */
export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptions): CounterLike
  createHistogram(name: string, options?: InstrumentOptions): HistogramLike
  createObservableGauge(name: string, options?: InstrumentOptions): ObservableLike
  createObservableCounter(name: string, options?: InstrumentOptions): ObservableLike
}

/** A span (OpenTelemetry `Span`). */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown
  setStatus(status: { code: number; message?: string }): unknown
  recordException(exception: Error | string): void
  end(): void
}

/** A tracer (OpenTelemetry `Tracer`). */
export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(name: string, options: { attributes?: TelemetryAttributes; root?: boolean; kind?: number }, fn: F): ReturnType<F>
}

/**
 * `@opentelemetry/api` (1.x) as tokenguard uses it: `import * as api from '@opentelemetry/api'` and pass
 * `api`. Metrics are read from the global meter provider when the verifier is created, so register the
 * SDK's `MeterProvider` first; spans follow the tracer provider whenever it is registered.
 */
export interface OpenTelemetryApi {
  metrics: { getMeter(name: string, version?: string): MeterLike }
  trace: { getTracer(name: string, version?: string): TracerLike }
  /** The API's `createNoopMeter`, by which a meter provider that records nothing is told from a real one. */
  createNoopMeter?: (() => object) | undefined
}

/** OpenTelemetry's `SpanStatusCode.ERROR` (a stable value of the specification). */
export const SPAN_STATUS_ERROR = 2
/** OpenTelemetry's `SpanKind.CLIENT`. */
export const SPAN_KIND_CLIENT = 2
