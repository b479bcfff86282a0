/**
 * The orders in which the rounds visit the servers. A rotation keeps every server's neighbours: server k is
 * always measured right after server k−1, so whatever one server leaves behind on the machine lands on the
 * same other server in every round, and the median of the rounds keeps it (issue 18: listing one peer first
 * instead of fifth moved its server CPU per request by a third; the shuffle did not close the gap being
 * chased, V8's memory reducer did, but it takes this confound out). So round 0 keeps
 * the listed order and every later round is a random order from a fixed seed, built to repeat as few of the
 * earlier rounds' "A right before B" pairs as it can: neighbours change from round to round, and a rerun
 * visits in the same orders.
 */

/** Orders tried per round; with the bench's 11–30 server processes and 5–7 rounds none repeats a pair. */
const CANDIDATES = 64

/** mulberry32: a small, well-mixed 32-bit generator; reproducible, not for anything secret. */
function generatorFrom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state)
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32
  }
}

const pair = (before: number | undefined, after: number) => `${before}>${after}`

/**
 * One random order built server by server, each picked among those not yet visited whose pair with the one
 * before is new (any unvisited one when none is). Returns the order and how many pairs it repeats; the same
 * server twice in a row (the last of the round before first again) counts as a repeat.
 */
function candidateOrder(count: number, previous: number | undefined, seen: ReadonlySet<string>, next: () => number): { order: number[]; repeats: number } {
  const left = Array.from({ length: count }, (_, index) => index)
  const order: number[] = []
  let repeats = 0
  let before = previous
  while (left.length > 0) {
    const fresh = left.filter((server) => server !== before && !seen.has(pair(before, server)))
    const pool = fresh.length > 0 ? fresh : left
    const chosen = pool[Math.floor(next() * pool.length)]!
    if (fresh.length === 0 && before !== undefined) repeats++
    left.splice(left.indexOf(chosen), 1)
    order.push(chosen)
    before = chosen
  }
  return { order, repeats }
}

/** For each of `rounds` rounds, the servers in the order it visits them (indices into the listed order). */
export function roundOrders(count: number, rounds: number): number[][] {
  const orders: number[][] = [Array.from({ length: count }, (_, index) => index)]
  const seen = new Set<string>()
  const next = generatorFrom(0x9e3779b9)
  const remember = (order: readonly number[], previous: number | undefined) => {
    order.forEach((server, index) => seen.add(pair(index === 0 ? previous : order[index - 1], server)))
  }
  remember(orders[0]!, undefined)
  while (orders.length < rounds) {
    const previous = orders.at(-1)!.at(-1)
    let best = candidateOrder(count, previous, seen, next)
    for (let tried = 1; tried < CANDIDATES && best.repeats > 0; tried++) {
      const candidate = candidateOrder(count, previous, seen, next)
      if (candidate.repeats < best.repeats) best = candidate
    }
    remember(best.order, previous)
    orders.push(best.order)
  }
  return orders.slice(0, rounds)
}
