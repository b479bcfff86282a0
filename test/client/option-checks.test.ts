/**
 * Issue 11 item 3 for the client: unknown option keys and wrong types are refused when the client is
 * created, with a "did you mean …?"; durations are milliseconds or strings with a unit, and implausible
 * values are refused with the accepted range in the message.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTokenClient, type TokenClientOptions } from '@tokenguard/client'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'

const ok: TokenClientOptions = { tokenEndpoint: 'https://as.example/token', clientId: 'c', clientSecret: 'client-secret-value' }
const create = (extra: Record<string, unknown>) => () => createTokenClient({ ...ok, ...extra } as TokenClientOptions)

describe('unknown options are refused with a suggestion', () => {
  const cases: Array<[extra: Record<string, unknown>, message: string]> = [
    [{ clientSecrte: 'x' }, 'tokenguard: unknown option "clientSecrte" in createTokenClient() (did you mean "clientSecret"?)'],
    [{ scpoe: 'read' }, 'tokenguard: unknown option "scpoe" in createTokenClient() (did you mean "scope"?)'],
    [{ timeout: 5000 }, 'tokenguard: unknown option "timeout" in createTokenClient() (did you mean "timeoutDuration"?)'],
    [{ tokenendpoint: 'https://as.example/t' }, 'tokenguard: unknown option "tokenendpoint" in createTokenClient() (did you mean "tokenEndpoint"?)'],
    [{ extraParam: { a: 'b' } }, 'tokenguard: unknown option "extraParam" in createTokenClient() (did you mean "extraParams"?)'],
    [{ retry: { retires: 1 } }, 'tokenguard: unknown option "retires" in "retry" of createTokenClient() (did you mean "retries"?)'],
    [{ retry: { maxDelay: 100 } }, 'tokenguard: unknown option "maxDelay" in "retry" of createTokenClient() (did you mean "maxDelayDuration"?)'],
    [{ secret: 'x' }, 'tokenguard: unknown option "secret" in createTokenClient()'],
  ]
  for (const [extra, message] of cases) {
    it(Object.keys(extra)[0] === 'retry' ? `retry.${Object.keys(extra.retry as object)[0]}` : Object.keys(extra)[0]!, () => {
      assert.throws(create(extra), { name: 'TypeError', message })
    })
  }

  it('per-call overrides are checked too', async () => {
    const client = createTokenClient(ok)
    await assert.rejects(client.getToken({ scpoe: 'x' } as never), { message: 'tokenguard: unknown option "scpoe" in token request overrides (did you mean "scope"?)' })
    await assert.rejects(client.getToken({ forceRefresh: 'yes' } as never), /"forceRefresh" must be true or false/)
    await assert.rejects(client.invalidate({ audiance: 'x' } as never), /did you mean "audience"\?/)
    await assert.rejects(client.getToken({ scope: 7 } as never), { message: 'tokenguard: token request overrides "scope" must be a space-separated string or an array of strings' })
    await assert.rejects(client.getToken({ resource: 'relative' }), /token request overrides "resource" value "relative" must be an absolute URI/)
  })
})

describe('wrong types are refused at startup', () => {
  const cases: Array<[extra: Record<string, unknown>, pattern: RegExp]> = [
    [{ clientId: 42 }, /"clientId" must be a non-empty string/],
    [{ clientSecret: 123 }, /"clientSecret" must be a non-empty string/],
    [{ tokenEndpoint: 7 }, /"tokenEndpoint" must be a non-empty string/],
    [{ scope: 5 }, /"scope" must be a space-separated string or an array of strings/],
    [{ scope: ['read', 1] }, /"scope" must be/],
    [{ audience: ['a', 'b'] }, /"audience" must be a non-empty string/],
    [{ resource: 5 }, /"resource" must be a string or an array of strings/],
    [{ extraParams: 'organization=acme' }, /"extraParams" must be an object of string values/],
    [{ extraParams: { organization: 1 } }, /"extraParams.organization" must be a string/],
    [{ auth: 'basic' }, /"auth" must be one of "client_secret_basic", "client_secret_post", "private_key_jwt"/],
    [{ bodyFormat: 'xml' }, /"bodyFormat" must be one of "form", "json"/],
    [{ alg: 'HS256', privateKey: 'x' }, /"alg" must be one of "RS256"/],
    [{ assertionAudience: 'aud' }, /"assertionAudience" must be one of/],
    [{ allowInsecureHttp: 'true' }, /"allowInsecureHttp" must be true or false/],
    [{ store: { get: () => undefined } }, /"store" must be an object with get\(key\), set\(key, value, ttlMs\) and delete\(key\) methods/],
    [{ fetch: 'fetch' }, /"fetch" must be a fetch-compatible function/],
    [{ logger: { warn: 'console' } }, /"logger" must be an object/],
    [{ retry: true }, /"retry" must be an object such as \{ retries: 2 \} or false/],
    [{ retry: { retries: 1.5 } }, /"retry.retries" must be an integer from 0 to 10; got 1.5/],
    [{ maxResponseSize: '1mb' }, /"maxResponseSize" must be a number of bytes from 1024 \(1 KiB\) to 67108864 \(64 MiB\)/],
  ]
  for (const [extra, pattern] of cases) {
    it(`${JSON.stringify(extra)}`, () => {
      assert.throws(create(extra), (error: unknown) => error instanceof TypeError && pattern.test(error.message) && error.message.startsWith('tokenguard: '))
    })
  }

  it('messages never carry the secret', () => {
    for (const extra of [{ clientSecrte: 'x' }, { timeoutDuration: 'soon' }, { auth: 'basic' }]) {
      assert.throws(create(extra), (error: unknown) => error instanceof TypeError && !error.message.includes(ok.clientSecret!))
    }
  })
})

describe('durations: milliseconds or a string with its unit, within a plausible range', () => {
  let server: TestServer
  before(async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { access_token: 'opaque', token_type: 'Bearer' }))
  })
  after(() => server.close())

  it('seconds written where milliseconds are meant are refused, with the range and both spellings', () => {
    assert.throws(create({ timeoutDuration: 10 }), {
      message: `tokenguard: createTokenClient() "timeoutDuration" is in milliseconds: 10 ms is implausible — write '10s' or 10000 for seconds (accepted: 100 ms to 5 min)`,
    })
    assert.throws(create({ refreshAheadDuration: 60 }), /"refreshAheadDuration" is in milliseconds: 60 ms is implausible — write '60s' or 60000 for seconds \(accepted: 0 or 1 s to 24 h\)/)
    assert.throws(create({ fallbackLifetimeDuration: 30 }), /"fallbackLifetimeDuration" is in milliseconds: 30 ms is implausible/)
    assert.throws(create({ assertionLifetimeDuration: 60 }), /"assertionLifetimeDuration" is in milliseconds: 60 ms is implausible/)
    // Written with its unit, a value out of range is refused by the range itself.
    assert.throws(create({ timeoutDuration: '10ms' }), {
      message: `tokenguard: createTokenClient() "timeoutDuration" must be 100 ms to 5 min, as a number of milliseconds or a string such as '30s' or '5m'; got "10ms" (10 ms)`,
    })
    assert.throws(create({ refreshAheadDuration: '60ms' }), /"refreshAheadDuration" must be 0 or 1 s to 24 h, .*; got "60ms" \(60 ms\)/)
  })

  it('a bare number from 1 to 999 is refused for every duration, as in core; with its unit, or 1000 and up, it is not', () => {
    const durations = { timeoutDuration: '300ms', refreshAheadDuration: '1s', refreshJitterDuration: '1s', fallbackLifetimeDuration: '1s', assertionLifetimeDuration: '1s' } as const
    for (const [name, written] of Object.entries(durations)) {
      for (const bare of [1, 300, 999]) assert.throws(create({ [name]: bare }), new RegExp(`"${name}" is in milliseconds: ${bare} ms is implausible`), `${name}: ${bare}`)
      assert.doesNotThrow(create({ [name]: written }), `${name}: ${written}`)
      assert.doesNotThrow(create({ [name]: 1000 }), `${name}: 1000`)
    }
    assert.throws(create({ retry: { baseDelayDuration: 200 } }), /"retry\.baseDelayDuration" is in milliseconds: 200 ms is implausible — write '200ms' for milliseconds/)
    assert.doesNotThrow(create({ retry: { baseDelayDuration: '200ms', maxDelayDuration: 0 } }))
  })

  it('implausibly large, negative, NaN and unparsable values are refused', () => {
    assert.throws(create({ timeoutDuration: 3_600_000 }), /got 3600000 \(1 h\)/)
    assert.throws(create({ refreshJitterDuration: -1 }), /"refreshJitterDuration" must be 0 or 1 s to 1 h/)
    assert.throws(create({ timeoutDuration: Number.NaN }), /got NaN/)
    assert.throws(create({ timeoutDuration: '10 seconds' }), /got "10 seconds"/)
    assert.throws(create({ retry: { maxDelayDuration: '1h' } }), /"retry.maxDelayDuration" must be 0 ms to 10 min/)
  })

  it('strings with units are taken at their word', async () => {
    assert.doesNotThrow(create({ timeoutDuration: '30s', refreshAheadDuration: '2m', refreshJitterDuration: 0, retry: { baseDelayDuration: '250ms' } }))
    const client = createTokenClient({ ...ok, tokenEndpoint: `${server.url}/token`, fallbackLifetimeDuration: '90s' })
    const token = await client.getTokenResponse()
    assert.equal(token.expiresAt - token.obtainedAt, 90_000)
    const hours = await createTokenClient({ ...ok, tokenEndpoint: `${server.url}/token`, fallbackLifetimeDuration: '1.5h' }).getTokenResponse()
    assert.equal(hours.expiresAt - hours.obtainedAt, 5_400_000)
  })
})
