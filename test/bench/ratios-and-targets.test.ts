/**
 * The arithmetic behind `npm run bench`'s table and verdicts (issue 18): ratios are medians of per-round
 * ratios, the fastest peer is picked from the run, each goal is met or not from the numbers, and a stretch
 * goal or a reported figure is never counted as a missed goal. No timing: the load results are built here.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compare, fastestPeer, issueTextTable, median, ratioOf } from '../../bench/load/ratios.js'
import type { LoadResult, LoadRun } from '../../bench/load/report.js'
import { allocationFigures, cacheMissTargets, expressOverheadTargets, loadTargets, missedTargets, targetsTable } from '../../bench/targets.js'
import type { MachineInfo } from '../../bench/support/machine.js'

const machine: MachineInfo = { cpuModel: 'test', cpuCount: 2, totalMemoryGiB: 1, node: 'v20', platform: 'test', loadAverage: [0, 0, 0] }

function runOf(variant: string, workload: string, rounds: number[], cpuMicros = 100): LoadRun {
  const requests = rounds.reduce((total, value) => total + value, 0)
  return {
    variant, workload, roundsPerSecond: rounds, requestsPerSecond: requests / rounds.length, requests, durationSeconds: rounds.length,
    latencyP99Ms: 1, latencyMeanMs: 1, non2xx: 0, errors: 0, timeouts: 0, serverCpuMicrosPerRequest: cpuMicros, serverCpuPercent: 100, serverRssMB: 50,
  }
}

function resultOf(runs: LoadRun[]): LoadResult {
  return { kind: 'load', startedAt: '', machine, settings: { duration: 1, rounds: 3, warmup: 1, connections: 1 }, workloads: [], runs }
}

describe('median and per-round ratios', () => {
  test('median of odd and even counts; none is an error', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.throws(() => median([]), RangeError)
  })

  test('the ratio is the median of round-by-round ratios, not the ratio of totals', () => {
    // round ratios 2, 0.5, 1.1 → median 1.1; the totals would give (200 + 50 + 110) / 300 = 1.2
    const result = resultOf([runOf('a', 'w', [200, 50, 110], 50), runOf('b', 'w', [100, 100, 100], 100)])
    const ratio = ratioOf(result, 'a', 'b', 'w')!
    assert.equal(ratio.median, 1.1)
    assert.equal(ratio.cpu, 2)
    assert.equal(ratio.cpuMicrosMore, -50)
    assert.equal(ratioOf(result, 'a', 'missing', 'w'), undefined)
  })

  test('different round counts are refused', () => {
    assert.throws(() => ratioOf(resultOf([runOf('a', 'w', [1, 2, 3]), runOf('b', 'w', [1, 2])]), 'a', 'b', 'w'), RangeError)
  })

  test('the fastest peer is the one with the most req/s on that workload in this run', () => {
    const result = resultOf([runOf('fastify-auth0-verify', 'cold', [300, 300, 300]), runOf('fastify-jose', 'cold', [200, 200, 200]), runOf('fastify-jose', 'reused', [900, 900, 900])])
    assert.equal(fastestPeer(result, 'fastify', 'cold'), 'fastify-auth0-verify')
    assert.equal(fastestPeer(result, 'fastify', 'reused'), 'fastify-jose')
    assert.equal(fastestPeer(result, 'express', 'cold'), undefined)
    assert.equal(compare(result, 'fastify-tokenguard', 'fastify', 'fastest peer', 'cold'), undefined)
  })
})

describe('issue 18 goals', () => {
  const cold = (tokenguard: number[], auth0: number[], jose: number[]) => resultOf([
    runOf('fastify-tokenguard', 'cold', tokenguard), runOf('fastify-auth0-verify', 'cold', auth0), runOf('fastify-jose', 'cold', jose),
    runOf('fastify-tokenguard', 'reused', [96, 94, 95]), runOf('fastify-bare', 'reused', [100, 100, 100]),
  ])

  test('cold ≥ 1.0 × every peer, stretch ≥ 1.3 × the fastest; reused ≥ 0.95 × bare', () => {
    const targets = loadTargets(cold([130, 130, 130], [100, 100, 100], [120, 120, 120]))
    const byName = new Map(targets.map((target) => [target.name, target]))
    assert.equal(byName.get('reused token: fastify-tokenguard ÷ fastify-bare')!.met, true) // median of 0.96, 0.94, 0.95
    assert.equal(byName.get('cold: fastify-tokenguard ÷ fastify-auth0-verify')!.met, true)
    assert.equal(byName.get('cold: fastify-tokenguard ÷ fastify-jose')!.met, true)
    const stretch = byName.get('cold: fastify-tokenguard ÷ fastest peer (fastify-jose)')!
    assert.equal(stretch.level, 'stretch')
    assert.equal(stretch.met, false) // 130 / 120 < 1.3
    assert.deepEqual(missedTargets(targets), [])
  })

  test('slower than one peer misses the cold goal', () => {
    const missed = missedTargets(loadTargets(cold([110, 110, 110], [100, 100, 100], [120, 120, 120])))
    assert.deepEqual(missed.map((target) => target.name), ['cold: fastify-tokenguard ÷ fastify-jose'])
  })

  test('hit and miss path: ≤ 5 µs over a bare Express route, ≤ 2 µs per cache miss; allocations reported', () => {
    const express = expressOverheadTargets({ kind: 'express-overhead', startedAt: '', machine, microsPerRequest: {}, overBareMicros: { noop: 0.5, composed: 4.9, protect: 5.1 } })
    assert.deepEqual(express.map((target) => target.met), [true, false])
    assert.equal(cacheMissTargets({ kind: 'cache-miss', startedAt: '', machine, admissionMissMicros: 2.1, plainLruMissMicros: 3, hitMicros: 1 })[0]!.met, false)
    const figures = allocationFigures({ kind: 'allocations', startedAt: '', machine, bytesPerHitSameView: 400, bytesPerHitFreshView: 500, bytesPerHitSocketView: 600 })
    assert.equal(figures[0]!.level, 'reported')
    assert.deepEqual(missedTargets([...express, ...figures]).map((target) => target.name), [express[1]!.name])
  })

  test('the A/A control: its worst round sets the spread, and a verdict closer to its goal than that is marked', () => {
    // the control's rounds 0.9, 1.0, 1.02 → spread 0.1; cold ÷ fastify-auth0-verify 1.05 is within it, ÷ fastify-jose 0.8 is not
    const result = resultOf([
      runOf('fastify-tokenguard', 'cold', [100, 100, 100]), runOf('fastify-tokenguard-again', 'cold', [111.11111111111111, 100, 98.03921568627452]),
      runOf('fastify-auth0-verify', 'cold', [95.23809523809524, 95.23809523809524, 95.23809523809524]), runOf('fastify-jose', 'cold', [125, 125, 125]),
    ])
    const control = compare(result, 'fastify-tokenguard', 'fastify', 'control', 'cold')!
    assert.equal(control.other, 'fastify-tokenguard-again')
    assert.ok(Math.abs(control.low - 0.9) < 1e-9 && Math.abs(control.high - 1.02) < 1e-9)
    // only the variant the control repeats has one: protect() is not compared with authenticate() + guard
    assert.equal(compare(result, 'express-tokenguard-protect', 'express', 'control', 'cold'), undefined)
    const byName = new Map(loadTargets(result).map((target) => [target.name, target]))
    const near = byName.get('cold: fastify-tokenguard ÷ fastify-auth0-verify')!
    assert.equal(near.met, true)
    assert.equal(near.withinNoise, true)
    assert.match(near.measured, /^1\.05 \[1\.05–1\.05\]; by server CPU\/req 1\.00; A\/A control ±0\.10$/)
    const far = byName.get('cold: fastify-tokenguard ÷ fastify-jose')!
    assert.equal(far.met, false)
    assert.equal(far.withinNoise, undefined)
    assert.match(targetsTable([near, far]), /met \(within the A\/A spread\)[\s\S]*NOT MET\s*$/)
    assert.match(issueTextTable(result), /A\/A: cold .*1\.00 \[0\.90–1\.02\]/)
  })

  test('the table names the fastest peer and shows the floor itself', () => {
    const table = issueTextTable(resultOf([
      runOf('fastify-tokenguard', 'cold', [130, 130, 130]), runOf('fastify-jose', 'cold', [100, 100, 100]), runOf('fastify-signature-floor', 'cold', [200, 200, 200], 80),
    ]))
    assert.match(table, /÷ fastest peer .*1\.30 \[1\.30–1\.30\] \(CPU 1\.00, \+0\.0 µs\/req\) × fastify-jose/)
    assert.match(table, /÷ floor .*0\.65/)
    assert.match(table, /floor .* 200 req\/s, 80\.0 µs CPU\/req/)
  })
})
