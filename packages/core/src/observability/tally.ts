/**
 * Counters kept in the process and reported to OpenTelemetry as observable counters when a reader collects.
 * An SDK counter's `add()` sorts and serialises its attributes on every call (microseconds on the request
 * path); a tally costs a string key and a map lookup, and allocates only for a new series. Series are
 * bounded: past `maxSeries`, counts go to one overflow series (`otel.metric.overflow: true`, as the SDK's own
 * cardinality limit does).
 */
import type { MeterLike, InstrumentOptions, TelemetryAttributes } from './telemetry-api.js'

const OVERFLOW: TelemetryAttributes = Object.freeze({ 'otel.metric.overflow': true })

/** A monotonic counter whose series are counted here, in memory. */
export class Tally {
  readonly #series = new Map<string, { readonly attributes: TelemetryAttributes; value: number }>()
  readonly #maxSeries: number
  #overflow = 0

  constructor(meter: MeterLike, name: string, options: InstrumentOptions, maxSeries: number) {
    this.#maxSeries = maxSeries
    meter.createObservableCounter(name, options).addCallback((result) => {
      for (const { attributes, value } of this.#series.values()) result.observe(value, attributes)
      if (this.#overflow > 0) result.observe(this.#overflow, OVERFLOW)
    })
  }

  /** Adds one to the series `key` if it exists; answers whether it did (else call {@link Tally.start}). */
  increment(key: string): boolean {
    const series = this.#series.get(key)
    if (series === undefined) return false
    series.value += 1
    return true
  }

  /** Starts the series `key` at one, with its attributes (or counts into the overflow series when full). */
  start(key: string, attributes: TelemetryAttributes): void {
    if (this.#series.size >= this.#maxSeries) this.#overflow += 1
    else this.#series.set(key, { attributes: Object.freeze(attributes), value: 1 })
  }
}
