import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { createTokenClient, TokenRequestError, type TokenClientOptions } from '@tokenguard/client'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { sendJson, startServer, type TestServer } from '../support/http-server.js'

function expectTokenError(check: (err: TokenRequestError) => void) {
  return (err: unknown) => {
    assert.ok(err instanceof TokenRequestError, `expected TokenRequestError, got ${String(err)}`)
    check(err)
    return true
  }
}

describe('OAuth errors from oidc-provider', () => {
  let as: AuthServer

  before(async () => {
    as = await startAuthServer({
      extraClients: [
        {
          // A web app without the client_credentials grant.
          client_id: 'code-only-client',
          client_secret: 'code-only-secret-value',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: ['https://app.tokenguard.test/callback'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
    })
  })
  after(() => as.close())

  const base = (extra: Partial<TokenClientOptions>): TokenClientOptions => ({
    tokenEndpoint: as.tokenEndpoint,
    clientId: as.clients.readOnly.id,
    clientSecret: as.clients.readOnly.secret,
    auth: 'client_secret_post',
    ...extra,
  })

  it('invalid_client: wrong secret (hint: check credentials), not retried', async () => {
    const before = as.tokenRequestCount()
    const client = createTokenClient(base({ clientSecret: 'definitely-wrong-secret' }))
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => {
        assert.equal(err.code, 'invalid_client')
        assert.equal(err.status, 401)
        assert.match(err.hint, /client credentials/i)
        assert.equal(typeof err.description, 'string')
      }),
    )
    assert.equal(as.tokenRequestCount() - before, 1, '4xx OAuth errors are never retried')
  })

  it('invalid_client: unknown client', async () => {
    const client = createTokenClient(base({ clientId: 'nobody' }))
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => assert.equal(err.code, 'invalid_client')),
    )
  })

  it('invalid_scope: scope not granted to the client (hint: check granted scopes)', async () => {
    const client = createTokenClient(base({ scope: 'read:data write:data' }))
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => {
        assert.equal(err.code, 'invalid_scope')
        assert.equal(err.status, 400)
        assert.match(err.hint, /scopes granted to the client/)
      }),
    )
  })

  it('client without the client_credentials grant (oidc-provider: invalid_request; hint: enable the grant)', async () => {
    const client = createTokenClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: 'code-only-client',
      clientSecret: 'code-only-secret-value',
    })
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => {
        // oidc-provider answers invalid_request here (other servers say unauthorized_client).
        assert.equal(err.code, 'invalid_request')
        assert.match(err.description ?? '', /grant type is not allowed/)
        assert.match(err.hint, /Enable the client-credentials grant/)
      }),
    )
  })

  it('invalid_target: unknown resource (hint: check audience/resource)', async () => {
    const client = createTokenClient(base({ resource: 'https://unknown.tokenguard.test' }))
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => {
        assert.equal(err.code, 'invalid_target')
        assert.match(err.hint, /audience\/resource/)
      }),
    )
  })

  it('invalid_response: a URL that is not a token endpoint (hint: check the token URL)', async () => {
    const client = createTokenClient(base({ tokenEndpoint: `${as.issuer}/no-such-endpoint`, retry: false }))
    await assert.rejects(
      client.getToken(),
      expectTokenError((err) => {
        assert.equal(err.status, 404)
        assert.match(err.hint, /token URL/)
      }),
    )
  })
})

describe('OAuth error table (errors oidc-provider does not produce for this grant)', () => {
  let server: TestServer
  before(async () => {
    server = await startServer((req, res) => {
      const code = req.url.slice(1).split('?')[0]!
      sendJson(res, code === 'invalid_client' ? 401 : 400, {
        error: code,
        error_description: `described ${code}\u0000\u001b[31m with control chars`,
        error_uri: 'https://docs.tokenguard.test/errors',
      })
    })
  })
  after(() => server.close())

  const table: Array<[code: string, hint: RegExp]> = [
    ['invalid_client', /client credentials/],
    ['invalid_scope', /scopes granted to the client/],
    ['unauthorized_client', /Enable the client-credentials grant/],
    ['invalid_grant', /grant was rejected/],
    ['access_denied', /authorised for the requested audience\/resource/],
    ['unsupported_grant_type', /check the token URL/],
    ['invalid_request', /audience\/resource.*token URL/],
  ]

  for (const [code, hint] of table) {
    it(`${code}: typed error with status, sanitised description and hint; not retried`, async () => {
      const before = server.requests.length
      const client = createTokenClient({ tokenEndpoint: `${server.url}/${code}`, clientId: 'c', clientSecret: 'sssecret' })
      await assert.rejects(
        client.getToken(),
        expectTokenError((err) => {
          assert.equal(err.code, code)
          assert.equal(err.status, code === 'invalid_client' ? 401 : 400)
          assert.equal(err.description, `described ${code} [31m with control chars`)
          assert.equal(err.uri, 'https://docs.tokenguard.test/errors')
          assert.match(err.hint, hint)
          assert.equal(err.retryable, false)
          assert.match(err.message, new RegExp(`^Token request failed: ${code} \\(HTTP \\d+\\)`))
        }),
      )
      assert.equal(server.requests.length - before, 1)
    })
  }
})

describe('the client secret never leaks', () => {
  const SECRET = 'Sup3r-S3cret/Value+With=Chars'
  let echo: TestServer
  let as: AuthServer

  before(async () => {
    as = await startAuthServer()
    // A hostile/buggy server that echoes the credentials it received.
    echo = await startServer((req, res) => {
      sendJson(res, 401, {
        error: 'invalid_client',
        error_description: `bad credentials: ${req.body} / ${String(req.headers.authorization)} / ${SECRET}`,
      })
    })
  })
  after(async () => {
    await echo.close()
    await as.close()
  })

  for (const auth of ['client_secret_post', 'client_secret_basic'] as const) {
    it(`not in errors, logs, toString, inspect or JSON (${auth})`, async () => {
      const logs: string[] = []
      const logger = {
        debug: (m: string, d?: Record<string, unknown>) => logs.push(m + JSON.stringify(d)),
        warn: (m: string, d?: Record<string, unknown>) => logs.push(m + JSON.stringify(d)),
      }
      const client = createTokenClient({
        tokenEndpoint: `${echo.url}/token`,
        clientId: 'leaky-client',
        clientSecret: SECRET,
        auth,
        logger,
      })
      let caught: unknown
      try {
        await client.getToken()
      } catch (error) {
        caught = error
      }
      assert.ok(caught instanceof TokenRequestError)
      const encoded = encodeURIComponent(SECRET)
      const formEncoded = new URLSearchParams({ s: SECRET }).toString().slice(2)
      const surfaces = [
        caught.message,
        String(caught),
        caught.stack ?? '',
        inspect(caught, { depth: 10 }),
        JSON.stringify(caught),
        caught.description ?? '',
        String(client),
        inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
        JSON.stringify({ client }),
        logs.join('\n'),
      ]
      for (const text of surfaces) {
        assert.ok(!text.includes(SECRET), `secret leaked in: ${text}`)
        assert.ok(!text.includes(encoded), `encoded secret leaked in: ${text}`)
        assert.ok(!text.includes(formEncoded), `form-encoded secret leaked in: ${text}`)
      }
      assert.match(caught.description ?? '', /\[REDACTED\]/)
      assert.match(inspect(client), /leaky-client/)
    })
  }

  it('not in errors or inspect output on network errors and timeouts either', async () => {
    const client = createTokenClient({
      tokenEndpoint: 'http://127.0.0.1:9/token', // discard port: connection refused
      clientId: 'c',
      clientSecret: SECRET,
      retry: false,
    })
    const err = await client.getToken().then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof TokenRequestError)
    assert.equal(err.code, 'network_error')
    assert.ok(!inspect(err, { depth: 10 }).includes(SECRET))
  })

  it('validation errors do not include the secret', () => {
    assert.throws(
      () => createTokenClient({ tokenEndpoint: 'ftp://x', clientId: 'c', clientSecret: SECRET }),
      (err: unknown) => err instanceof TypeError && !err.message.includes(SECRET),
    )
  })
})
