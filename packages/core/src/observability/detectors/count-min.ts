/**
 * Per-key counts in a fixed amount of memory, whatever the number of keys: a count-min sketch of the current
 * window, and a sketch of each cell's weighted mean over past windows (a sketch is linear, so the mean of
 * sketches is the sketch of the means). Estimates never undercount; under a flood of distinct keys they
 * overcount, which the detector's floor absorbs.
 *
 * @see Cormode & Muthukrishnan, "An Improved Data Stream Summary: The Count-Min Sketch and its Applications" (2005)
 */
import { decayed } from './windowed-count.js'

/** Per-key window counts and baselines. */
export class KeyedWindowCounts {
  readonly #width: number
  readonly #depth: number
  readonly #current: Uint32Array
  readonly #baseline: Float32Array
  readonly #windowMs: number
  #windowStart: number
  #windowsSeen = 0

  constructor(width: number, depth: number, windowMs: number, now: number) {
    this.#width = width
    this.#depth = depth
    this.#current = new Uint32Array(width * depth)
    this.#baseline = new Float32Array(width * depth)
    this.#windowMs = windowMs
    this.#windowStart = now
  }

  /** Counts one for `key` at `now`; answers its estimated count in this window and its baseline. */
  add(key: string, now: number): { count: number; baseline: number; windowsSeen: number } {
    this.#roll(now)
    let count = Number.POSITIVE_INFINITY
    let baseline = Number.POSITIVE_INFINITY
    for (let row = 0; row < this.#depth; row++) {
      const cell = row * this.#width + (hash(key, row) % this.#width)
      const value = ++this.#current[cell]!
      if (value < count) count = value
      if (this.#baseline[cell]! < baseline) baseline = this.#baseline[cell]!
    }
    return { count, baseline, windowsSeen: this.#windowsSeen }
  }

  /** Bytes held, the same for one key or a million. */
  get bytes(): number {
    return this.#current.byteLength + this.#baseline.byteLength
  }

  get windowStart(): number {
    return this.#windowStart
  }

  #roll(now: number): void {
    const elapsed = Math.floor((now - this.#windowStart) / this.#windowMs)
    if (elapsed <= 0) return
    const first = this.#windowsSeen === 0
    for (let cell = 0; cell < this.#current.length; cell++) this.#baseline[cell] = decayed(this.#baseline[cell]!, this.#current[cell]!, elapsed, first)
    this.#current.fill(0)
    this.#windowsSeen += elapsed
    this.#windowStart += elapsed * this.#windowMs
  }
}

// FNV-1a over UTF-16 code units, one seed per row, then a finalizer so that the rows' cells are independent.
function hash(key: string, row: number): number {
  let h = (0x811c9dc5 ^ Math.imul(row + 1, 0x9e3779b1)) >>> 0
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
