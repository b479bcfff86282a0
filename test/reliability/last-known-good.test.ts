/**
 * Last known good: once a good key set was fetched, no failure of the key server — down, hanging, erroring,
 * or answering with something that is not a usable key set — stops tokens from verifying, until
 * `maxStaleDuration`; the failure is reported, retries back off, and the good set is never replaced by a
 * bad one. Past `maxStaleDuration` the answer is 503.
 */
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import type { KeySourceEvent } from '@tokenguard/core'
import { FAILURE_MODES, type FailureMode } from './failure-modes.js'
import { fetchedAt, freshUntil, rig, sleep, sleepUntil, TARGETS, until, type TargetFactory } from './harness.js'

const CACHE_MAX_AGE = 200
const RETRY_DELAY = 50
/** Requests made once the set is stale, 15 ms apart, to count the fetch attempts they cause. */
const REQUESTS = 20

async function staleServing(t: TestContext, start: TargetFactory, mode: FailureMode): Promise<void> {
  const r = await rig(start, { cacheMaxAge: `${CACHE_MAX_AGE}ms`, retryDelay: `${RETRY_DELAY}ms`, ...mode.options })
  t.after(r.close)
  assert.equal((await r.target.call(await r.server.mint())).status, 200)
  // new tokens, so that each request reaches the key source (a verified-token cache hit would not)
  const tokens = await Promise.all(Array.from({ length: REQUESTS }, () => r.server.mint()))
  const after = await mode.apply(r.server, r.key)
  if (after) t.after(() => after.close())

  await sleepUntil(freshUntil(r.target) + 10)
  const startsBefore = r.log.of('fetch_start').length
  const windowStart = Date.now()
  const statuses: number[] = []
  for (const token of tokens) {
    statuses.push((await r.target.call(token)).status)
    await sleep(15)
  }
  const window = Date.now() - windowStart
  const attempts = r.log.of('fetch_start').length - startsBefore
  await until(() => r.log.of('fetch_failure').length >= 1, 'the first attempt to fail', 30_000) // a hanging one takes its timeout

  assert.deepEqual(statuses, tokens.map(() => 200), 'stale keys keep verifying')
  assertReported(r.log.of('fetch_failure'), mode)
  assertBackedOff(r.log.entries, attempts, window)
  // never replaced: no key change since the first fetch, and the 200s above were verified with the good key
  assert.equal(r.log.of('keys_changed').length, 1, 'no key change after the first fetch')
  const [stale] = r.log.of('stale_keys_served')
  assert.ok(stale && stale.ageMs >= CACHE_MAX_AGE, 'stale_keys_served reported, with the age of the keys')
  after?.verify()
  t.diagnostic(`${mode.name}: ${REQUESTS} stale requests in ${window} ms → ${attempts} fetch attempts`)
}

async function beyondMaxStale(t: TestContext, start: TargetFactory, mode: FailureMode): Promise<void> {
  const maxStaleDuration = 400
  const r = await rig(start, { cacheMaxAge: `${CACHE_MAX_AGE}ms`, retryDelay: `${RETRY_DELAY}ms`, maxStaleDuration: `${maxStaleDuration}ms`, ...mode.options })
  t.after(r.close)
  const token = await r.server.mint()
  assert.equal((await r.target.call(await r.server.mint())).status, 200)
  const after = await mode.apply(r.server, r.key)
  if (after) t.after(() => after.close())

  await sleepUntil(fetchedAt(r.target) + maxStaleDuration + 10)
  const outcome = await r.target.call(token)
  assert.equal(outcome.status, 503, 'beyond maxStaleDuration with the key server still failing')
  assert.match(outcome.headers['retry-after'] ?? '', /^[1-9]\d*$/)
  assert.deepEqual(r.target.refusals.map((refusal) => refusal.reason), ['keys_unavailable'])
  after?.verify()
}

function assertReported(failures: Array<Extract<KeySourceEvent, { type: 'fetch_failure' }>>, mode: FailureMode): void {
  assert.deepEqual(failures.map((event) => event.consecutiveFailures), failures.map((_, index) => index + 1), 'consecutiveFailures counts up')
  assert.match(failures[0]!.error, mode.error)
}

/** Each retry waits at least retryDelay · 2^(n-1) after the n-th failure, so attempts grow logarithmically. */
function assertBackedOff(entries: ReadonlyArray<{ at: number; event: KeySourceEvent }>, attempts: number, window: number): void {
  const bound = Math.ceil(Math.log2(window / RETRY_DELAY + 1)) + 1
  assert.ok(attempts >= 1 && attempts <= bound, `${attempts} fetch attempts in ${window} ms (bound ${bound})`)
  assert.ok(attempts <= REQUESTS / 2, `${attempts} attempts for ${REQUESTS} requests: not one per request`)
  let lastFailure: { at: number; n: number } | undefined
  for (const { at, event } of entries) {
    if (event.type === 'fetch_failure') lastFailure = { at, n: event.consecutiveFailures }
    if (event.type === 'fetch_start' && lastFailure !== undefined) {
      const wait = RETRY_DELAY * 2 ** (lastFailure.n - 1)
      assert.ok(at - lastFailure.at >= wait - 5, `retry ${lastFailure.n + 1} came ${at - lastFailure.at} ms after failure ${lastFailure.n} (backoff ${wait} ms)`)
    }
  }
}

// Every failure mode through every target, side by side: each is mostly waiting for time to pass, and the
// assertions hold however slow a busy machine makes the requests (counts and lower bounds, no upper timings).
describe('last known good', { concurrency: true }, () => {
  for (const target of TARGETS) {
    for (const mode of FAILURE_MODES) {
      test(`${target.name}, ${mode.name}: stale keys serve, the failure is reported, retries back off`, (t) =>
        staleServing(t, target.start, mode))
      test(`${target.name}, ${mode.name}: beyond maxStaleDuration, 503`, (t) => beyondMaxStale(t, target.start, mode))
    }
  }
})
