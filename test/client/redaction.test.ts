/**
 * Issue 12 item 9: a token endpoint (or a gateway before it) that echoes the request in its error must not
 * get the client secret, or a client assertion, into the TokenRequestError, in any encoding; and a server
 * error code that names an Object.prototype member must not turn `err.hint` into a function.
 *
 * The echo server below derives each echoed text from what it really received. The check does not know how
 * the client redacts: it decodes whatever the error shows (percent/form, JSON escapes, base64 at every
 * offset) and looks for the secret in all of it.
 */
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { createTokenClient, hintFor, TokenRequestError, type TokenClientOptions } from '@tokenguard/client'
import { sendJson, startServer, type RecordedRequest, type TestServer } from '../support/http-server.js'

const SECRET = 'Sup3r "S3cret"/Välue+With=Chars&%\\ end'
const CLIENT_ID = 'leaky-client'

type Mode = 'client_secret_basic' | 'client_secret_post' | 'client_secret_post (json)' | 'private_key_jwt'

/** The credential as the server received it, decoded from wherever this mode puts it. */
function receivedCredential(req: RecordedRequest): string {
  const authorization = req.headers.authorization
  if (authorization?.startsWith('Basic ')) {
    const pair = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
    return new URLSearchParams(`x=${pair.slice(pair.indexOf(':') + 1)}`).get('x')!
  }
  if (req.headers['content-type']?.startsWith('application/json')) return (JSON.parse(req.body) as Record<string, string>).client_secret!
  const form = new URLSearchParams(req.body)
  return form.get('client_secret') ?? form.get('client_assertion')!
}

function parsedBody(req: RecordedRequest): unknown {
  return req.headers['content-type']?.startsWith('application/json') ? JSON.parse(req.body) : Object.fromEntries(new URLSearchParams(req.body))
}

const asciiJson = (text: string) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

/** What the echo server puts into error_description, by the request path. */
const ECHOES: Record<string, (req: RecordedRequest) => string> = {
  'raw body': (req) => req.body,
  'decoded credential': (req) => receivedCredential(req),
  'Authorization header': (req) => String(req.headers.authorization),
  'headers as JSON': (req) => JSON.stringify({ authorization: req.headers.authorization }),
  'decoded Basic pair': (req) => Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString('utf8'),
  'body as JSON': (req) => JSON.stringify(parsedBody(req)),
  'body as ASCII-only JSON': (req) => asciiJson(JSON.stringify(parsedBody(req))),
  'body as JSON with escaped slashes': (req) => JSON.stringify(parsedBody(req)).replaceAll('/', '\\/'),
  'URL-encoded credential': (req) => encodeURIComponent(receivedCredential(req)),
  'URL-encoded credential, lowercase hex': (req) => encodeURIComponent(receivedCredential(req)).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  'URL-encoded body': (req) => encodeURIComponent(req.body),
  'base64 of the credential': (req) => b64(receivedCredential(req)),
  'base64 of the body': (req) => b64(req.body),
  'base64url of the body': (req) => Buffer.from(req.body).toString('base64url'),
  'base64 of the Authorization header': (req) => b64(String(req.headers.authorization)),
}

const APPLIES: Record<Mode, string[]> = {
  client_secret_basic: ['decoded credential', 'Authorization header', 'headers as JSON', 'decoded Basic pair', 'URL-encoded credential', 'URL-encoded credential, lowercase hex', 'base64 of the credential', 'base64 of the Authorization header'],
  client_secret_post: ['raw body', 'decoded credential', 'body as JSON', 'body as ASCII-only JSON', 'body as JSON with escaped slashes', 'URL-encoded credential', 'URL-encoded credential, lowercase hex', 'URL-encoded body', 'base64 of the credential', 'base64 of the body', 'base64url of the body'],
  'client_secret_post (json)': ['raw body', 'decoded credential', 'body as ASCII-only JSON', 'body as JSON with escaped slashes', 'URL-encoded body', 'base64 of the body', 'base64url of the body'],
  private_key_jwt: ['decoded credential', 'URL-encoded credential', 'base64 of the credential'],
}

/** Everything a reader could decode `text` into. */
function decodings(text: string): string[] {
  const formDecode = (t: string) => t.split('&').map((part) => new URLSearchParams(`x=${part}`).get('x')).join('&')
  const jsonUnescape = (t: string) =>
    t.replace(/\\(u[0-9a-fA-F]{4}|["\\/])/g, (_, e: string) => (e.startsWith('u') ? String.fromCharCode(parseInt(e.slice(1), 16)) : e))
  const out = [text, formDecode(text), jsonUnescape(text), formDecode(jsonUnescape(text))]
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      const decoded = Buffer.from(run.slice(offset).replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8')
      out.push(decoded, formDecode(decoded), jsonUnescape(decoded))
    }
  }
  return out
}

function assertNotRecoverable(text: string, credential: string, where: string): void {
  // A long credential (a client assertion) may be cut at 300 characters: its first 40 must not show either.
  const needles = credential.length > 60 ? [credential, credential.slice(0, 40)] : [credential]
  for (const decoded of decodings(text)) {
    for (const needle of needles) assert.ok(!decoded.includes(needle), `${where} reveals the credential: ${text}`)
  }
}

describe('secrets are redacted in every encoding an echoing server can produce', () => {
  let echo: TestServer
  let privateJwk: JWK
  before(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' }
    echo = await startServer((req, res) => {
      const name = decodeURIComponent(req.url.slice(1))
      const piece = ECHOES[name]!(req)
      sendJson(res, 401, { error: 'invalid_client', error_description: `echo: ${piece}`, error_uri: `https://errors.example/?got=${encodeURIComponent(piece)}` })
    })
  })
  after(() => echo.close())

  const optionsFor = (mode: Mode, path: string): TokenClientOptions => {
    const common = { tokenEndpoint: `${echo.url}/${encodeURIComponent(path)}`, clientId: CLIENT_ID, retry: false as const }
    if (mode === 'private_key_jwt') return { ...common, privateKey: privateJwk }
    if (mode === 'client_secret_post (json)') return { ...common, clientSecret: SECRET, auth: 'client_secret_post', bodyFormat: 'json' }
    return { ...common, clientSecret: SECRET, auth: mode }
  }

  for (const [mode, echoes] of Object.entries(APPLIES) as Array<[Mode, string[]]>) {
    for (const name of echoes) {
      it(`${mode}: ${name}`, async () => {
        const client = createTokenClient(optionsFor(mode, name))
        const error = await client.getToken().then(() => assert.fail('the echo server never issues tokens'), (e: unknown) => e)
        assert.ok(error instanceof TokenRequestError)
        const credential = receivedCredential(echo.requests.at(-1)!)
        assert.ok(credential.length >= SECRET.length, 'the server did receive the credential')
        // The server did echo it: a client that dropped the description would pass the checks below vacuously.
        assert.match(error.description ?? '', /^echo: .*\[REDACTED\]/)
        const surfaces = { message: error.message, description: error.description ?? '', uri: error.uri ?? '', code: error.code, stack: error.stack ?? '', inspect: inspect(error, { depth: 10 }), json: JSON.stringify(error) }
        for (const [where, text] of Object.entries(surfaces)) assertNotRecoverable(text, credential, where)
      })
    }
  }

  it('a secret echoed as the error code itself is redacted too', async () => {
    const server = await startServer((req, res) => sendJson(res, 400, { error: receivedCredential(req) }))
    try {
      const client = createTokenClient({ tokenEndpoint: `${server.url}/token`, clientId: CLIENT_ID, clientSecret: SECRET, auth: 'client_secret_post', retry: false })
      const error = await client.getToken().then(() => assert.fail('no token expected'), (e: unknown) => e)
      assert.ok(error instanceof TokenRequestError)
      assert.match(error.code, /\[REDACTED\]/)
      assertNotRecoverable(`${error.message} ${inspect(error)}`, SECRET, 'code')
    } finally {
      await server.close()
    }
  })
})

describe('hints are looked up without the prototype chain', () => {
  let server: TestServer
  before(async () => {
    server = await startServer((req, res) => sendJson(res, 400, { error: decodeURIComponent(req.url.slice(1)), error_description: 'nope' }))
  })
  after(() => server.close())

  const generic = hintFor('no_such_error_code')

  for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
    it(`server error code ${JSON.stringify(code)} gives the generic hint, a string`, async () => {
      assert.equal(hintFor(code), generic)
      const client = createTokenClient({ tokenEndpoint: `${server.url}/${encodeURIComponent(code)}`, clientId: 'c', clientSecret: 'hint-secret', retry: false })
      const error = await client.getToken().then(() => assert.fail('no token expected'), (e: unknown) => e)
      assert.ok(error instanceof TokenRequestError)
      assert.equal(error.code, code)
      assert.equal(typeof error.hint, 'string')
      assert.equal(error.hint, generic)
      assert.equal(JSON.parse(JSON.stringify(error)).hint, generic)
    })
  }

  it('known codes keep their own hints', () => {
    assert.match(hintFor('invalid_client'), /client credentials/)
    assert.notEqual(hintFor('invalid_client'), generic)
  })
})
