/**
 * Spans around the network work of a key source — a key set fetch, and discovery inside it — so that a slow
 * identity provider shows up in traces beside the request that waited for it. A background refresh is no
 * request's work: its span is a root span, not a child of whichever request happened to start it.
 */
import { SPAN_KIND_CLIENT, SPAN_STATUS_ERROR, type OpenTelemetryApi, type SpanLike, type TelemetryAttributes } from './telemetry-api.js'
import { INSTRUMENTATION_SCOPE } from './metrics.js'

/** Runs `work` inside a span named `name`; the span ends with it, failed when it throws. */
export type Traced = <T>(name: string, attributes: TelemetryAttributes, root: boolean, work: () => Promise<T>) => Promise<T>

export function tracedWith(api: OpenTelemetryApi, scope = INSTRUMENTATION_SCOPE): Traced {
  const tracer = api.trace.getTracer(scope)
  return (name, attributes, root, work) =>
    tracer.startActiveSpan(name, { attributes: defined(attributes), root, kind: SPAN_KIND_CLIENT }, async (span: SpanLike) => {
      try {
        return await work()
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error))
        span.setStatus({ code: SPAN_STATUS_ERROR, message: error instanceof Error ? error.message : String(error) })
        throw error
      } finally {
        span.end()
      }
    })
}

function defined(attributes: TelemetryAttributes): TelemetryAttributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined))
}
