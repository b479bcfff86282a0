/**
 * The real OpenTelemetry SDKs, registered globally for one test file (each file runs in its own process):
 * a meter provider whose in-memory exporter is flushed on demand, and a tracer provider with an in-memory
 * span exporter and the AsyncLocalStorage context manager (so that spans nest across `await`).
 */
import * as api from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'

/** One data point of one metric, as the exporter saw it. */
export interface Point {
  name: string
  unit: string
  attributes: Record<string, unknown>
  /** A counter's or gauge's value; a histogram's count. */
  value: number
  /** A histogram's sum and bucket counts. */
  histogram?: { sum: number; count: number; boundaries: number[]; counts: number[] }
}

export interface TestTelemetry {
  readonly api: typeof api
  /** Every data point collected now (cumulative since the provider started). */
  collect(): Promise<Point[]>
  /** Finished spans so far. */
  spans(): ReadableSpan[]
  shutdown(): Promise<void>
}

export function registerTelemetry(): TestTelemetry {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // The interval is never reached: the test flushes when it reads.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] })
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.metrics.setGlobalMeterProvider(meterProvider)
  api.trace.setGlobalTracerProvider(tracerProvider)
  return {
    api,
    async collect() {
      exporter.reset()
      await reader.forceFlush()
      return exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics.flatMap((metric) =>
        (metric.dataPoints as DataPoint<number | Histogram>[]).map((point): Point => {
          const base = { name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: { ...point.attributes } }
          if (typeof point.value === 'number') return { ...base, value: point.value }
          const histogram = point.value
          return { ...base, value: histogram.count, histogram: { sum: histogram.sum ?? 0, count: histogram.count, boundaries: histogram.buckets.boundaries, counts: histogram.buckets.counts } }
        }),
      )))
    },
    spans: () => spanExporter.getFinishedSpans(),
    async shutdown() {
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
      api.metrics.disable()
      api.trace.disable()
      api.context.disable()
    },
  }
}

/** The points of metric `name` whose attributes include `match`. */
export function pointsOf(points: readonly Point[], name: string, match: Record<string, unknown> = {}): Point[] {
  return points.filter((point) => point.name === name && Object.entries(match).every(([key, value]) => point.attributes[key] === value))
}

/** The sum of the values of those points. */
export function total(points: readonly Point[], name: string, match: Record<string, unknown> = {}): number {
  return pointsOf(points, name, match).reduce((sum, point) => sum + point.value, 0)
}
