/**
 * The bench's round orders (issue 18): a rotation measured every server right after the same other one in
 * every round, so whatever one server leaves behind landed on the same other one each time. These check the orders
 * themselves, without timing: each is a permutation, round 0 is the listed order, and no "A right before B"
 * pair comes back while the servers leave enough pairs to avoid it; and how a variant's processes add up.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { roundOrders } from '../../bench/load/round-order.js'
import { summary, type Sample } from '../../bench/load/rounds.js'

function adjacentPairs(orders: number[][]): string[] {
  const sequence = orders.flat()
  return sequence.slice(1).map((after, index) => `${sequence[index]}>${after}`)
}

describe('round orders', () => {
  test('every round visits every server exactly once; round 0 in the listed order', () => {
    for (const count of [1, 2, 3, 11, 15]) {
      const orders = roundOrders(count, 5)
      assert.equal(orders.length, 5)
      assert.deepEqual(orders[0], Array.from({ length: count }, (_, index) => index))
      for (const order of orders) assert.deepEqual([...order].sort((a, b) => a - b), orders[0])
    }
  })

  test('with the bench\'s 11 (cold) and 15 (warm) variants, in one or two processes each, over 5 and 7 rounds, no server follows the same one twice', () => {
    for (const count of [11, 15, 22, 30]) {
      for (const rounds of [5, 7]) {
        const pairs = adjacentPairs(roundOrders(count, rounds))
        assert.equal(new Set(pairs).size, pairs.length, `${count} servers, ${rounds} rounds: a neighbour repeats`)
      }
    }
  })

  test('a rotation would have failed that check (the check can fail)', () => {
    const rotation = Array.from({ length: 5 }, (_, round) => Array.from({ length: 11 }, (_, index) => (index + round) % 11))
    const pairs = adjacentPairs(rotation)
    assert.ok(new Set(pairs).size < pairs.length)
  })

  test('the same orders on every run', () => {
    assert.deepEqual(roundOrders(11, 5), roundOrders(11, 5))
    assert.notDeepEqual(roundOrders(11, 5)[1], roundOrders(11, 5)[0])
  })
})

describe('a variant measured in several processes', () => {
  const sample = (round: number, requests: number, durationSeconds: number, cpuMicros: number, rssBytes = 2 ** 20): Sample => ({
    name: 'v', round, requests, durationSeconds, cpuMicros, rssBytes, latencyP99Ms: 1, latencyMeanMs: 1, non2xx: 0, errors: 0, timeouts: 0,
  })

  test('each round counts all its processes together; CPU per request over all of them', () => {
    // Two processes, two rounds, 1 s each: round 0 did 1000 + 3000 requests in 2 s, round 1 2000 + 2000.
    const measured = summary('v', [sample(0, 1000, 1, 100_000), sample(0, 3000, 1, 300_000), sample(1, 2000, 1, 400_000, 3 * 2 ** 20), sample(1, 2000, 1, 200_000, 2 ** 20)], 2)
    assert.deepEqual(measured.roundsPerSecond, [2000, 2000])
    assert.equal(measured.requestsPerSecond, 2000)
    assert.equal(measured.requests, 8000)
    assert.equal(measured.serverCpuMicrosPerRequest, 1_000_000 / 8000)
    assert.equal(measured.serverRssMB, 3) // the larger process, at the last round
  })
})
