import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { createTokenClient, TokenRequestError, type TokenClientOptions } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { forward, startServer, type TestServer } from '../support/http-server.js'

describe('retries with backoff, Retry-After and timeouts', () => {
  let as: AuthServer
  before(async () => {
    as = await startAuthServer()
  })
  after(() => as.close())

  /** A gateway in front of the real AS that fails the first `failures` requests with `status`. */
  async function flaky(failures: number, status: number, headers: Record<string, string> = {}): Promise<TestServer> {
    let seen = 0
    return startServer(async (req, res) => {
      seen += 1
      if (seen <= failures) {
        res.writeHead(status, { 'content-type': 'text/plain', ...headers })
        res.end('try again')
        return
      }
      await forward(req, res, as.tokenEndpoint)
    })
  }

  const options = (endpoint: string, extra: Partial<TokenClientOptions> = {}): TokenClientOptions => ({
    tokenEndpoint: endpoint,
    clientId: as.clients.readWrite.id,
    clientSecret: as.clients.readWrite.secret,
    scope: 'read:data',
    ...extra,
  })

  it('retries 5xx with exponential backoff and then succeeds', async () => {
    const gateway = await flaky(2, 503)
    try {
      const client = createTokenClient(options(`${gateway.url}/token`, { retry: { baseDelayDuration: '100ms' } }))
      const token = await client.getToken()
      assert.equal(decodeJwt(token).client_id, 'read-write-client')
      assert.equal(gateway.requests.length, 3)
      const [a, b, c] = gateway.requests.map((r) => r.receivedAt)
      // 1st retry waits 50..100 ms, 2nd 100..200 ms.
      assert.ok(b! - a! >= 45, `first backoff ${b! - a!} ms`)
      assert.ok(c! - b! >= 95, `second backoff ${c! - b!} ms`)
      assert.ok(c! - a! < 1000)
    } finally {
      await gateway.close()
    }
  })

  it('gives up after `retries` retries with the last status', async () => {
    const gateway = await flaky(10, 502)
    try {
      const client = createTokenClient(options(`${gateway.url}/token`, { retry: { retries: 1, baseDelayDuration: '10ms' } }))
      await assert.rejects(client.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenRequestError)
        assert.equal(err.code, 'server_error')
        assert.equal(err.status, 502)
        assert.equal(err.retryable, true)
        return true
      })
      assert.equal(gateway.requests.length, 2)
    } finally {
      await gateway.close()
    }
  })

  it('honours Retry-After (seconds) on 429', async () => {
    const gateway = await flaky(1, 429, { 'retry-after': '1' })
    try {
      const client = createTokenClient(options(`${gateway.url}/token`, { retry: { baseDelayDuration: '1ms' } }))
      await client.getToken()
      assert.equal(gateway.requests.length, 2)
      const gap = gateway.requests[1]!.receivedAt - gateway.requests[0]!.receivedAt
      assert.ok(gap >= 950 && gap < 2000, `waited ${gap} ms for Retry-After: 1`)
    } finally {
      await gateway.close()
    }
  })

  it('caps Retry-After at maxDelayDuration', async () => {
    const gateway = await flaky(1, 429, { 'retry-after': '120' })
    try {
      const client = createTokenClient(options(`${gateway.url}/token`, { retry: { maxDelayDuration: '150ms' } }))
      await client.getToken()
      const gap = gateway.requests[1]!.receivedAt - gateway.requests[0]!.receivedAt
      assert.ok(gap >= 140 && gap < 1000, `waited ${gap} ms`)
    } finally {
      await gateway.close()
    }
  })

  it('retry: false makes a single attempt', async () => {
    const gateway = await flaky(1, 503)
    try {
      const client = createTokenClient(options(`${gateway.url}/token`, { retry: false }))
      await assert.rejects(client.getToken(), { code: 'server_error', status: 503 })
      assert.equal(gateway.requests.length, 1)
    } finally {
      await gateway.close()
    }
  })

  it('timeoutDuration really aborts a hanging request (the server sees the connection close)', { timeout: 5000 }, async () => {
    const closedAfter: number[] = []
    let seenClosed!: () => void
    const closed = new Promise<void>((resolve) => void (seenClosed = resolve))
    const hanging = await startServer((req, _res, raw) => {
      // Never answer; note when the client gives up on the connection.
      raw.socket.on('close', () => {
        closedAfter.push(Date.now() - req.receivedAt)
        seenClosed()
      })
    })
    try {
      const client = createTokenClient(options(`${hanging.url}/token`, { timeoutDuration: '200ms', retry: false }))
      const started = Date.now()
      await assert.rejects(client.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenRequestError)
        assert.equal(err.code, 'timeout')
        assert.equal(err.retryable, true)
        assert.match(err.hint, /timeoutDuration/)
        return true
      })
      const elapsed = Date.now() - started
      assert.ok(elapsed >= 190 && elapsed < 1000, `gave up after ${elapsed} ms`)
      await closed // the server sees the close (the test's timeout bounds the wait)
      assert.equal(closedAfter.length, 1, 'the server saw the aborted connection close')
      assert.ok(closedAfter[0]! < 1000)
    } finally {
      await hanging.close()
    }
  })

  it('a timeout also covers a response body that never finishes', { timeout: 5000 }, async () => {
    const slowBody = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"access_token":') // …and never ends
    })
    try {
      const client = createTokenClient(options(`${slowBody.url}/token`, { timeoutDuration: '200ms', retry: false }))
      await assert.rejects(client.getToken(), { code: 'timeout' })
    } finally {
      await slowBody.close()
    }
  })

  it('timeouts are retried, then succeed', { timeout: 5000 }, async () => {
    let seen = 0
    const gateway = await startServer(async (req, res) => {
      seen += 1
      if (seen === 1) return // hang the first attempt
      await forward(req, res, as.tokenEndpoint)
    })
    try {
      const client = createTokenClient(
        options(`${gateway.url}/token`, { timeoutDuration: '150ms', retry: { retries: 1, baseDelayDuration: '10ms' } }),
      )
      const token = await client.getToken()
      assert.equal(decodeJwt(token).client_id, 'read-write-client')
      assert.equal(gateway.requests.length, 2)
    } finally {
      await gateway.close()
    }
  })

  it('network errors are retried and reported as network_error', async () => {
    // Grab a free port, then close it so connections are refused.
    const gone = await startServer(() => undefined)
    const url = gone.url
    await gone.close()
    const attempts: number[] = []
    const client = createTokenClient(
      options(`${url}/token`, {
        retry: { retries: 2, baseDelayDuration: '10ms' },
        fetch: (input, init) => {
          attempts.push(Date.now())
          return fetch(input, init)
        },
      }),
    )
    await assert.rejects(client.getToken(), (err: unknown) => {
      assert.ok(err instanceof TokenRequestError)
      assert.equal(err.code, 'network_error')
      assert.equal(err.description, 'ECONNREFUSED')
      assert.match(err.hint, /token URL/)
      return true
    })
    assert.equal(attempts.length, 3)
  })

  it('does not follow redirects from the token endpoint (credentials stay put)', async () => {
    const elsewhere = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: 'stolen', token_type: 'Bearer', expires_in: 60 }))
    })
    const redirector = await startServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/token` })
      res.end()
    })
    try {
      const client = createTokenClient(options(`${redirector.url}/token`, { auth: 'client_secret_post' }))
      await assert.rejects(client.getToken(), { code: 'invalid_response', status: 307 })
      assert.equal(elsewhere.requests.length, 0)
    } finally {
      await redirector.close()
      await elsewhere.close()
    }
  })
})
