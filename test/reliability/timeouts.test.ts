/**
 * `timeoutDuration` really aborts: a key server that hangs forever — on discovery, on the key set, or in
 * the middle of a body it trickles out a byte at a time — costs a request a bounded wait, then a 503.
 *
 * These are timed assertions because the behaviour is about time; the margins are wide for a busy 2-core
 * machine (the hangs never end by themselves, so any finite answer proves the abort).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Behaviour, KeyServer } from '../support/key-server.js'
import { CORE, rig, TARGETS, until, type TargetFactory } from './harness.js'

/** Long enough that a loaded machine's overhead (timers firing late, HTTP) is small beside it. */
const TIMEOUT = 1000

interface Stall {
  name: string
  /** Stalls `server`; `held` collects how long the key server held each stalled request. */
  apply(server: KeyServer, held: number[]): void
  /** How many requests the stall applies to, of those `server` received. */
  stalled(server: KeyServer): number
}

const keySetRequests = (server: KeyServer) => server.counts.jwks
const discoveryRequests = (server: KeyServer) => server.counts.discovery + server.counts.rfc8414

const STALLS: Stall[] = [
  { name: 'hanging key set', apply: (server, held) => void (server.behaviour = { kind: 'hang', held }), stalled: keySetRequests },
  { name: 'key set body trickled one byte per 50 ms', apply: (server, held) => void (server.behaviour = { kind: 'trickle', intervalMs: 50, held } satisfies Behaviour), stalled: keySetRequests },
  { name: 'hanging discovery', apply: (server, held) => void (server.discoveryBehaviour = { kind: 'hang', held }), stalled: discoveryRequests },
]

/** Cold start against a stalled key server: the answer and how long it took. */
async function coldStartAgainst(start: TargetFactory, stall: Stall) {
  const r = await rig(start, { timeoutDuration: TIMEOUT })
  const token = await r.server.mint()
  const held: number[] = []
  stall.apply(r.server, held)
  const started = Date.now()
  const outcome = await r.target.call(token)
  const elapsed = Date.now() - started
  await until(() => held.length === stall.stalled(r.server), 'the key server to see every stalled request closed', 30_000)
  return { ...r, outcome, elapsed, held }
}

describe('timeoutDuration really aborts', { concurrency: true }, () => {
  for (const stall of STALLS) {
    // Targets side by side: each is only waiting.
    describe(`timeoutDuration bounds a ${stall.name}`, { concurrency: true }, () => {
      for (const target of TARGETS) {
        test(`${target.name}: 503 after a bounded wait`, async (t) => {
          const { outcome, elapsed, log, close } = await coldStartAgainst(target.start, stall)
          t.after(close)
          assert.equal(outcome.status, 503)
          assert.match(outcome.headers['retry-after'] ?? '', /^[1-9]\d*$/)
          assert.match(log.of('fetch_failure')[0]?.error ?? '', /timed out/)
          assert.ok(elapsed >= TIMEOUT * 0.9, `${elapsed} ms: it waited for the timeout, it did not fail for another reason`)
          // one timeoutDuration per request made; discovery may make two (see the test below)
          assert.ok(elapsed < TIMEOUT * 4, `${elapsed} ms: ended, well before a hang that never ends`)
          t.diagnostic(`${stall.name}: 503 after ${elapsed} ms (timeoutDuration ${TIMEOUT} ms)`)
        })
      }
    })
  }

  describe('timeoutDuration is the budget of a fetch, whatever fails (core)', { concurrency: true }, () => {
    for (const stall of STALLS) {
      // Regression for 'hanging discovery': the OpenID and RFC 8414 locations share one budget, so a
      // discovery that times out at the first does not get a fresh one at the second.
      test(`${stall.name}: the cold request ends in about one timeoutDuration`, async (t) => {
        const { elapsed, held, server, close } = await coldStartAgainst(CORE.start, stall)
        t.after(close)
        const spent = held.reduce((sum, ms) => sum + ms, 0)
        t.diagnostic(`${elapsed} ms in all, stalled requests held ${held.join(' + ')} ms; discovery requests: ${server.counts.discovery} OpenID + ${server.counts.rfc8414} RFC 8414`)
        // Measured at the key server, from each stalled request's arrival to the client closing it: what
        // came before (discovery of a key set stall, a loaded machine's HTTP) is not the budget. The
        // regression spent two budgets (≥ 2 × TIMEOUT); below 1.8 × is one budget plus late timers.
        assert.ok(spent < TIMEOUT * 1.8, `stalled requests held ${spent} ms for a timeoutDuration of ${TIMEOUT} ms`)
      })
    }
  })
})
