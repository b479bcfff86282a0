/**
 * A count in fixed windows against a baseline: the exponentially weighted mean of past windows' counts. A
 * spike is a window whose count reaches both a floor and a multiple of the baseline. Constant memory; time
 * comes from the caller's clock, so that tests need no waiting.
 */

/** Share of the newest window in the baseline. */
export const BASELINE_WEIGHT = 0.3
// Quiet windows decay the baseline one by one; past this many the baseline is zero for any purpose.
const MAX_DECAY_STEPS = 64

/** What a spike is. */
export interface SpikeThresholds {
  /** Least count in one window that can be a spike. */
  min: number
  /** How many times the baseline the count must reach. */
  factor: number
}

/** One fixed-window count with its baseline. */
export class WindowedCount {
  readonly #windowMs: number
  #windowStart: number
  #count = 0
  #baseline = 0
  #windowsSeen = 0
  #alerted = false

  constructor(windowMs: number, now: number) {
    this.#windowMs = windowMs
    this.#windowStart = now
  }

  /** Counts `amount` at `now`; answers the window's count when this makes it a spike (once per window). */
  add(amount: number, now: number, thresholds: SpikeThresholds, learningWindows: number): number | undefined {
    this.#roll(now)
    this.#count += amount
    if (this.#alerted || this.#windowsSeen < learningWindows) return undefined
    if (this.#count < thresholds.min || this.#count < thresholds.factor * this.#baseline) return undefined
    this.#alerted = true
    return this.#count
  }

  get baseline(): number {
    return this.#baseline
  }

  get windowStart(): number {
    return this.#windowStart
  }

  #roll(now: number): void {
    const elapsed = Math.floor((now - this.#windowStart) / this.#windowMs)
    if (elapsed <= 0) return
    this.#baseline = decayed(this.#baseline, this.#count, elapsed, this.#windowsSeen === 0)
    this.#windowsSeen += elapsed
    this.#windowStart += elapsed * this.#windowMs
    this.#count = 0
    this.#alerted = false
  }
}

/**
 * The baseline after the window that counted `count`, then `elapsed - 1` empty windows. The first window
 * seeds it (a mean that started from zero would take many windows to reach the real rate).
 */
export function decayed(baseline: number, count: number, elapsed: number, first: boolean): number {
  let next = first ? count : BASELINE_WEIGHT * count + (1 - BASELINE_WEIGHT) * baseline
  for (let step = 1; step < Math.min(elapsed, MAX_DECAY_STEPS); step++) next *= 1 - BASELINE_WEIGHT
  return elapsed >= MAX_DECAY_STEPS ? 0 : next
}
