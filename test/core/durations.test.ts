/**
 * Issue 11 case 2: durations say their unit and are bounded. A number is milliseconds for every duration
 * option (clockTolerance and maxTokenAge included); a string carries its unit ('5s', '10m'); a value out of
 * range, or one that is plausibly seconds written as milliseconds, is refused at startup with the range.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { createVerifier, DURATION_BOUNDS, formatDuration, parseDuration, type SettledOptions, type VerifierOptions } from '@tokenguard/core'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, nowSeconds, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let rsa: SigningKey
let local: (extra: Record<string, unknown>) => ReturnType<typeof createVerifier>

before(async () => {
  rsa = await generateSigningKey('RS256')
  local = (extra) => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [rsa.publicJwk] }, ...extra } as VerifierOptions)
})

/** Asserts a ConfigurationError (a coded TypeError) for `option` whose message matches `message`. */
function refusedAtStartup(extra: Record<string, unknown>, option: string, message: RegExp): void {
  assert.throws(() => local(extra), (error: unknown) => {
    assert.ok(error instanceof TypeError, `a TypeError, got ${String(error)}`)
    assert.equal((error as { code?: unknown }).code, 'ERR_TOKENGUARD_CONFIG')
    assert.equal((error as { option?: unknown }).option, option)
    assert.match(error.message, message)
    return true
  })
}

const DURATION_OPTIONS = ['clockTolerance', 'maxTokenAge', 'cacheMaxAge', 'discoveryCacheMaxAge', 'cooldownDuration', 'timeoutDuration', 'maxStaleDuration', 'retryDelay'] as const

describe('issue 11 case 2: durations say their unit and are bounded', () => {
  test('issue 11 case 2: clockTolerance 5000 is 5 seconds: a token that expired an hour ago is refused', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() }) // exp = now - 3 stays within the 5 s however slow the machine
    const verifier = local({ clockTolerance: 5000 })
    await expectRefusal(verifier.verify(await signToken(rsa, { exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 })), 'token_expired', 401)
    await verifier.verify(await signToken(rsa, { exp: nowSeconds() - 3 })) // within 5 s
    assert.equal((verifier.settings as SettledOptions).clockTolerance, 5, 'settled in seconds, as jose takes it')
  })

  test('issue 11 case 2: clockTolerance 5 (seconds written as milliseconds) is refused with the fix', () => {
    refusedAtStartup({ clockTolerance: 5 }, 'clockTolerance', /"clockTolerance" is in milliseconds: 5 ms is implausible — write '5s' or 5000/)
    refusedAtStartup({ clockTolerance: 999 }, 'clockTolerance', /999 ms is implausible/)
    assert.doesNotThrow(() => local({ clockTolerance: '500ms' }), 'the same value with its unit says what it means')
  })

  test('issue 11 case 2: clockTolerance over 5 minutes is refused with the accepted range', () => {
    refusedAtStartup({ clockTolerance: 3_600_000 }, 'clockTolerance', /must be at most 5 min \(accepted: 0 ms – 5 min\); got 3600000 ms/)
    refusedAtStartup({ clockTolerance: '1h' }, 'clockTolerance', /at most 5 min/)
    assert.equal((local({ clockTolerance: '5m' }).settings as SettledOptions).clockTolerance, 300)
  })

  test('issue 11 case 2: maxTokenAge is milliseconds, 1 minute to 1 day', async () => {
    refusedAtStartup({ maxTokenAge: 3600 }, 'maxTokenAge', /must be at least 1 min \(accepted: 1 min – 1 day\); got 3600 ms — it is in milliseconds: write '3600s' or 3600000/)
    refusedAtStartup({ maxTokenAge: '2d' }, 'maxTokenAge', /at most 1 day/)
    const verifier = local({ maxTokenAge: '1m' })
    await verifier.verify(await signToken(rsa, { iat: nowSeconds() - 30 }))
    await expectRefusal(verifier.verify(await signToken(rsa, { iat: nowSeconds() - 120 })), 'token_too_old', 401)
    assert.equal((local({ maxTokenAge: 3_600_000 }).settings as SettledOptions).maxTokenAge, 3600)
  })

  test('issue 11 case 2: every duration option takes a jose-style string', () => {
    const strings: Record<(typeof DURATION_OPTIONS)[number], string> = {
      clockTolerance: '5s', maxTokenAge: '1h', cacheMaxAge: '10m', discoveryCacheMaxAge: '12h', cooldownDuration: '30s', timeoutDuration: '500ms', maxStaleDuration: '1d', retryDelay: '2s',
    }
    const verifier = local(strings)
    assert.equal((verifier.settings as SettledOptions).maxTokenAge, 3600)
    assert.deepEqual(Object.keys(strings).sort(), Object.keys(DURATION_BOUNDS).sort(), 'every bounded duration is covered')
    assert.equal(parseDuration('1.5s', 'x', { min: 0, max: 10_000, example: '1s' }), 1500)
    assert.equal(parseDuration('1.1s', 'x', { min: 0, max: 10_000, example: '1s' }), 1100, 'no binary floating point residue')
  })

  test('issue 11 case 2: negative, NaN, Infinity, unitless strings and fractions of a millisecond are refused, naming the range', () => {
    for (const option of DURATION_OPTIONS) {
      for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '10', '5 s', '5sec', 'soon', true, {}]) {
        refusedAtStartup({ [option]: value }, option, new RegExp(`"${option}" must be a (positive|non-negative) number of milliseconds or a duration string such as '.+' \\(units ms, s, m, h, d; accepted: .+ – .+\\)`))
      }
      refusedAtStartup({ [option]: 60_000.5 }, option, /whole number of milliseconds/)
    }
  })

  test('issue 11 case 2: the bounds of the key source durations', () => {
    refusedAtStartup({ cacheMaxAge: '2d' }, 'cacheMaxAge', /at most 1 day/)
    refusedAtStartup({ timeoutDuration: '5ms' }, 'timeoutDuration', /at least 100 ms .* got "5ms"/)
    refusedAtStartup({ timeoutDuration: 5 }, 'timeoutDuration', /"timeoutDuration" is in milliseconds: 5 ms is implausible — write '5s' or 5000 for seconds \(accepted: 100 ms – 1 min\)/)
    refusedAtStartup({ timeoutDuration: '10m' }, 'timeoutDuration', /at most 1 min/)
    refusedAtStartup({ retryDelay: '2h' }, 'retryDelay', /at most 1 min/)
    refusedAtStartup({ cooldownDuration: '2h' }, 'cooldownDuration', /at most 1 h/)
    // Seconds written as milliseconds would open the unknown-kid refetch to a flood (30 → a refetch every 30 ms).
    refusedAtStartup({ cooldownDuration: 30 }, 'cooldownDuration', /"cooldownDuration" is in milliseconds: 30 ms is implausible — write '30s' or 30000/)
    refusedAtStartup({ cooldownDuration: 999 }, 'cooldownDuration', /999 ms is implausible/)
    assert.doesNotThrow(() => local({ cooldownDuration: '200ms' }), 'a short cooldown with its unit says what it means')
    refusedAtStartup({ maxStaleDuration: '30d' }, 'maxStaleDuration', /at most 7 days/)
    assert.doesNotThrow(() => local({ cooldownDuration: 0, clockTolerance: 0 }), 'zero is a meaningful cooldown and tolerance')
  })

  test('every duration option refuses a bare number from 1 to 999, and takes the same value with its unit', () => {
    // A bare number under a second is the likeliest place for seconds written as milliseconds:
    // cacheMaxAge: 300 meant as 5 minutes would refetch the key set three times a second.
    const accepted: Record<(typeof DURATION_OPTIONS)[number], string> = { clockTolerance: '500ms', maxTokenAge: '2m', cacheMaxAge: '300ms', discoveryCacheMaxAge: '300ms', cooldownDuration: '300ms', timeoutDuration: '300ms', maxStaleDuration: '300ms', retryDelay: '300ms' }
    for (const option of DURATION_OPTIONS) {
      for (const bare of [1, 300, 999]) refusedAtStartup({ [option]: bare }, option, new RegExp(`"${option}" is in milliseconds: ${bare} ms is implausible — `))
      assert.doesNotThrow(() => local({ [option]: accepted[option] }), `${option}: ${accepted[option]}`)
      assert.doesNotThrow(() => local({ [option]: option === 'maxTokenAge' ? 60_000 : 1000 }), `${option}: a bare 1000 is a second`)
    }
    // Both readings are offered where both are accepted; only the one in range otherwise.
    refusedAtStartup({ cacheMaxAge: 300 }, 'cacheMaxAge', /write '300s' or 300000 for seconds, or write '300ms' for milliseconds \(accepted: 100 ms – 1 day\)/)
    refusedAtStartup({ timeoutDuration: 120 }, 'timeoutDuration', /120 ms is implausible — write '120ms' for milliseconds \(accepted/)
    refusedAtStartup({ retryDelay: 5 }, 'retryDelay', /5 ms is implausible — write '5s' or 5000 for seconds \(accepted/)
  })

  test('formatDuration names the largest whole unit', () => {
    assert.deepEqual([0, 500, 5000, 300_000, 3_600_000, 86_400_000, 172_800_000, 90_000].map(formatDuration), ['0 ms', '500 ms', '5 s', '5 min', '1 h', '1 day', '2 days', '90 s'])
  })
})
