/**
 * The cold workload's tokens: each handed out once, to whichever server asks next, so that no server ever
 * sees a token twice (every request is a miss for any cache). Running out is an error, never a wrap-around:
 * a reused token would make a "cold" request a hit.
 */

export class SingleUseTokens {
  #next = 0
  #wanted = 0
  readonly #tokens: readonly string[]

  constructor(tokens: readonly string[]) {
    this.#tokens = tokens
  }

  /** The next unused token, or `undefined` when all are used (counted: see `exhausted`). */
  take(): string | undefined {
    if (this.#next < this.#tokens.length) return this.#tokens[this.#next++]
    this.#wanted++
    return undefined
  }

  get used(): number {
    return this.#next
  }

  get remaining(): number {
    return this.#tokens.length - this.#next
  }

  /** Requests that found no token left (sent without one; the run that saw them is void). */
  get exhausted(): number {
    return this.#wanted
  }
}

export interface PoolSizing {
  /** Expected req/s of each server on the cold workload (an upper bound: the fastest round of a warmer workload). */
  rates: readonly number[]
  /** Seconds each server is loaded: warm-up plus all rounds. */
  seconds: number
  /** Factor over the estimate (a quieter machine runs faster than the estimate). */
  headroom: number
  /** The size is rounded up to a multiple of this, so that reruns ask for the same pool and find it on disk. */
  step: number
}

/** How many single-use tokens a cold workload needs. */
export function tokensNeeded({ rates, seconds, headroom, step }: PoolSizing): number {
  const estimate = rates.reduce((total, rate) => total + rate * seconds, 0) * headroom
  return Math.max(step, Math.ceil(estimate / step) * step)
}
