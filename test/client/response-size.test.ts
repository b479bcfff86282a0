/**
 * Issue 10 item 6: the client reads every response body with a size cap, checked while it streams in (as
 * core's fetch-json.ts does), so an endless body is cut off at the cap instead of running into the timeout.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTokenClient, TokenRequestError } from '@tokenguard/client'
import { startServer, type TestServer } from '../support/http-server.js'

describe('token responses are read with a size cap', () => {
  let server: TestServer
  let closed = 0
  before(async () => {
    server = await startServer((req, res, raw) => {
      if (req.url === '/endless') {
        // Never ends: only a cap checked while streaming can answer before the (long) timeout.
        res.writeHead(200, { 'content-type': 'application/json' })
        raw.socket.on('close', () => (closed += 1))
        const chunk = `"${'x'.repeat(16 * 1024)}",`
        res.write('{"access_token":"t","padding":[')
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return
          res.once('drain', pump)
        }
        pump()
        return
      }
      const body = JSON.stringify({ access_token: 'a'.repeat(req.url === '/declared-large' ? 4096 : 100), token_type: 'Bearer', expires_in: 60 })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
      res.end(body)
    })
  })
  after(() => server.close())

  const client = (path: string) =>
    createTokenClient({ tokenEndpoint: `${server.url}${path}`, clientId: 'c', clientSecret: 'size-secret', maxResponseSize: 2048, timeoutDuration: '5m', retry: false })

  it('an endless body is refused at the cap, and the connection is closed', { timeout: 20_000 }, async () => {
    await assert.rejects(client('/endless').getToken(), (error: unknown) => {
      assert.ok(error instanceof TokenRequestError)
      assert.equal(error.code, 'invalid_response')
      assert.equal(error.status, 200)
      assert.match(error.description ?? '', /^response exceeds the 2048 byte limit \(maxResponseSize\)$/)
      assert.equal(error.retryable, false)
      return true
    })
    for (let i = 0; i < 100 && closed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(closed, 1, 'the client stopped reading and released the connection')
  })

  it('a declared Content-Length over the cap is refused before reading', async () => {
    await assert.rejects(client('/declared-large').getToken(), { code: 'invalid_response', description: /^response of \d+ bytes exceeds the 2048 byte limit/ })
  })

  it('a body under the cap is read', async () => {
    assert.equal(await client('/small').getToken(), 'a'.repeat(100))
  })
})
