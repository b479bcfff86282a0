/**
 * Odd requests, sent byte for byte over a raw socket (fetch would merge or refuse them) to every adapter
 * on Node: repeated Authorization headers, a tab after the scheme, `DPoP` with DPoP off, repeated `DPoP`
 * headers, a token in the header and the query or the body at once, header sizes around Node's limit.
 * The answer is always a 400/401/431 with a challenge where one belongs: never a 200 for a credential that
 * was not checked, never a 500, never a hang.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { VerifierOptions } from '@tokenguard/core'
import { ADAPTERS, type RunningApp } from '../support/apps.js'
import { parseChallenge } from '../support/challenge.js'
import { startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'

const TIME_LIMIT_MS = 5000

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) and `body` as given; reads the whole answer. */
function rawRequest(url: string, head: string[], body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer within ${TIME_LIMIT_MS} ms to ${head[0]}`))), TIME_LIMIT_MS)
    socket.on('data', (chunk) => chunks.push(chunk))
    // A reset after the answer arrived (a server refusing an oversized head may not read the rest) still counts.
    socket.on('error', (error) => void (chunks.length === 0 && (clearTimeout(timer), reject(error))))
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const [headText = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = headText.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const raw = rest.join('\r\n\r\n')
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? unchunk(raw) : raw })
    })
    const lengthHeader = body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]
    // write, not end: a half-closed socket may be dropped by the server before a slow (key-fetching) answer is written
    socket.write([...head, `Host: ${hostname}:${port}`, 'Connection: close', ...lengthHeader, '', body].join('\r\n'), 'latin1')
  })
}

function unchunk(raw: string): string {
  let body = ''
  for (let at = 0; ;) {
    const lineEnd = raw.indexOf('\r\n', at)
    const size = parseInt(raw.slice(at, lineEnd), 16)
    if (!(size > 0)) return body
    body += raw.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

for (const adapter of ADAPTERS) {
  describe(`odd requests over ${adapter.name}`, () => {
    let issuer: KeyServer
    let app: RunningApp
    let lenient: RunningApp // query and body tokens on
    let good: string
    let other: string
    before(async () => {
      issuer = await startKeyServer()
      const options: VerifierOptions = { issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE }
      app = await adapter.start(options)
      lenient = await adapter.start({ ...options, allowQueryToken: true, allowBodyToken: true })
      good = await issuer.mint()
      other = await issuer.mint({ sub: 'other', client_id: 'other' })
    })
    after(async () => {
      await app.close()
      await lenient.close()
      await issuer.close()
    })

    const get = (target: RunningApp, headers: string[], path = '/whoami') => rawRequest(target.url, [`GET ${path} HTTP/1.1`, ...headers])

    function assertRefused(response: RawResponse, status: number, error: string | null, label: string): void {
      assert.equal(response.status, status, `${label}: ${response.body.slice(0, 200)}`)
      const challenge = parseChallenge(response.headers['www-authenticate'] ?? null)
      assert.equal(challenge.scheme, 'Bearer', label)
      assert.equal(challenge.params.error ?? null, error, label)
    }

    test('two Authorization headers: refused 400 on every adapter, whichever comes first, never a 500', async (t) => {
      // Node keeps only the first Authorization header in req.headers; the adapters read the raw list
      // (headersOf), and Fetch API bridges join repeats with ", ": either way core sees both and refuses.
      for (const [first, second] of [[good, other], [good, good], [good, 'not-a-token'], ['not-a-token', good]]) {
        const response = await get(app, [`Authorization: Bearer ${first}`, `Authorization: Bearer ${second}`])
        t.diagnostic(`${first === good ? 'good' : 'junk'} then ${second === good ? 'good' : second === other ? 'other' : 'junk'}: ${response.status}`)
        assert.equal(response.status, 400, `status ${response.status}: ${response.body.slice(0, 200)}`)
        assert.ok(response.headers['www-authenticate']?.startsWith('Bearer'), 'a challenge')
        assert.match(response.headers['www-authenticate'] ?? '', /error="invalid_request"/)
      }
    })

    test('two Authorization headers named in any case: refused 400 on every adapter (header names are case-insensitive)', async () => {
      for (const [first, second] of [['Authorization', 'AUTHORIZATION'], ['authorization', 'aUtHoRiZaTiOn'], ['AUTHORIZATION', 'Authorization']]) {
        const response = await get(app, [`${first}: Bearer ${good}`, `${second}: Bearer ${other}`])
        assert.equal(response.status, 400, `${first} then ${second}: status ${response.status}: ${response.body.slice(0, 200)}`)
        assert.match(response.headers['www-authenticate'] ?? '', /error="invalid_request"/)
      }
    })

    test('fifty Authorization headers: no 500, no hang', async () => {
      const response = await get(app, Array.from({ length: 50 }, (_, index) => `Authorization: Bearer ${index === 0 ? good : `junk${index}`}`))
      assert.equal(response.status, 400, `status ${response.status}`)
    })

    test('a tab between "Bearer" and the token is not a Bearer credential: 400 or a plain 401, never accepted', async () => {
      const response = await get(app, [`Authorization: Bearer\t${good}`])
      assert.ok([400, 401].includes(response.status), `status ${response.status}`)
      assert.ok(response.headers['www-authenticate']?.startsWith('Bearer'), 'a challenge')
    })

    test('"Authorization: DPoP <token>" with DPoP not configured is no credential for us: 401 with a Bearer challenge', async () => {
      assertRefused(await get(app, [`Authorization: DPoP ${good}`, 'DPoP: a.b.c']), 401, null, 'DPoP scheme, DPoP off')
    })

    test('a Bearer token with one or several DPoP headers, DPoP off: the token decides (DPoP headers are not read)', async () => {
      for (const count of [1, 3]) {
        const dpop = Array.from({ length: count }, () => 'DPoP: eyJhbGciOiJub25lIn0.e30.')
        const response = await get(app, [`Authorization: Bearer ${good}`, ...dpop])
        assert.equal(response.status, 200, `${count} DPoP header(s): ${response.body.slice(0, 200)}`)
      }
    })

    test('Authorization values with non-ASCII UTF-8 bytes, NUL-free: a clean 400', async () => {
      for (const value of ['Bearer \u00e4\u00f6', `Bearer ${good}\u00a0`, 'Bearer \u00ff\u00fe\u00fd']) {
        assertRefused(await get(app, [`Authorization: ${value}`]), 400, 'invalid_request', JSON.stringify(value))
      }
    })

    test('a 12 kB token (under Node\'s header limit) is token_too_large; a 16 kB one ends in 431 from Node', async () => {
      assertRefused(await get(app, [`Authorization: Bearer ${'a'.repeat(12 * 1024)}`]), 401, 'invalid_token', '12 kB')
      assert.equal((await get(app, [`Authorization: Bearer ${'a'.repeat(16 * 1024)}`])).status, 431)
    })

    test('token in the header and in the query (query tokens on): 400 invalid_request, even when both are good', async () => {
      for (const query of [good, 'junk']) {
        assertRefused(await get(lenient, [`Authorization: Bearer ${good}`], `/whoami?access_token=${query}`), 400, 'invalid_request', `query ${query.slice(0, 5)}`)
      }
    })

    test('token twice in the query (query tokens on): 400 invalid_request', async () => {
      assertRefused(await get(lenient, [], `/whoami?access_token=${good}&access_token=${good}`), 400, 'invalid_request', 'repeated query token')
    })

    test('token in the header and in a form body (body tokens on): 400 invalid_request', async () => {
      const response = await rawRequest(lenient.url, ['POST /form HTTP/1.1', `Authorization: Bearer ${good}`, 'Content-Type: application/x-www-form-urlencoded'], `access_token=${good}`)
      assertRefused(response, 400, 'invalid_request', 'header and body')
    })

    test('a form body token alone (body tokens on) is accepted; the same in a JSON body is not a token', async () => {
      const form = await rawRequest(lenient.url, ['POST /form HTTP/1.1', 'Content-Type: application/x-www-form-urlencoded'], `access_token=${good}`)
      assert.equal(form.status, 200, form.body.slice(0, 200))
      const json = await rawRequest(lenient.url, ['POST /form HTTP/1.1', 'Content-Type: application/json'], JSON.stringify({ access_token: good }))
      assertRefused(json, 401, null, 'JSON body')
    })
    test('HEAD of a protected GET route and path spellings of it (case, slash, %-encoding, ;, //) are never answered 200 without a token', async () => {
      for (const [method, path] of [['HEAD', '/data'], ['GET', '/DATA'], ['GET', '/data/'], ['GET', '//data'], ['GET', '/data;x'], ['GET', '/%64ata'], ['GET', '/data%2f'], ['GET', '/data?access_token=x']]) {
        const response = await rawRequest(app.url, [`${method} ${path} HTTP/1.1`])
        assert.ok(response.status !== 200 && response.status < 500, `${method} ${path}: ${response.status}`)
        if (response.status === 401) assert.ok(response.headers['www-authenticate']?.startsWith('Bearer'), `${method} ${path}: a challenge`)
      }
    })
    test('a 64 KiB form body of one field repeated 32 000 times (body tokens on) is answered within the time limit', async () => {
      // Was quadratic in the Fetch API view (each repeat copied the array): 20 s of CPU for one request.
      const repeatedToken = Array.from({ length: 16_000 }, () => 'access_token=x').join('&').slice(0, 64 * 1024 - 1)
      const junkFields = Array.from({ length: 32_000 }, () => 'a').join('&')
      const refused = await rawRequest(lenient.url, ['POST /form HTTP/1.1', 'Content-Type: application/x-www-form-urlencoded'], repeatedToken)
      // 413: the application's own body parser (Express's urlencoded, parameterLimit 1000) refused it first;
      // 401: the node-http test router's parser keeps the last value, a token that does not verify.
      assert.ok([400, 401, 413].includes(refused.status), `repeated access_token: ${refused.status}`)
      if (refused.status === 400) assertRefused(refused, 400, 'invalid_request', 'repeated access_token')
      const accepted = await rawRequest(lenient.url, ['POST /form HTTP/1.1', `Authorization: Bearer ${good}`, 'Content-Type: application/x-www-form-urlencoded'], junkFields)
      assert.ok([200, 413].includes(accepted.status), `header token, junk form: ${accepted.status} ${accepted.body.slice(0, 200)}`)
    })
  })
}
