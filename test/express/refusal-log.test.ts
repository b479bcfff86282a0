/**
 * Issue 11 case 9, Express side: one log line per refusal at the level the application sets (default info
 * for 400/401/403, warn for 503), never a dump; `onError` replaces tokenguard's own line instead of adding
 * to it; a guard without `authenticate()` names the fix (case 5). Real apps on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { before, describe, test } from 'node:test'
import { authenticate, requireScopes, type TokenGuardError } from '@tokenguard/express'
import express from 'express'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

let key: SigningKey

before(async () => {
  key = await generateSigningKey('ES256')
})

function recordingLogger() {
  const lines: Array<[level: string, line: string]> = []
  const at = (level: string) => (line: string) => void lines.push([level, line])
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

async function ask(app: express.Express, path: string, headers: Record<string, string> = {}): Promise<Response> {
  const server = app.listen(0, '127.0.0.1') as Server
  await once(server, 'listening')
  try {
    return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers })
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

const options = { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE }

describe('issue 11 case 9: one line per refusal', () => {
  test('a refusal is one line at info, with the reason and the token facts, never the token', async () => {
    const { lines, logger } = recordingLogger()
    const app = express()
    app.get('/data', authenticate({ ...options, jwks: { keys: [key.publicJwk] }, logger }), (_req, res) => void res.json({ ok: true }))
    const token = await signToken(key, { aud: 'https://other.example', jti: 'jti-secret' })
    assert.equal((await ask(app, '/data', { authorization: `Bearer ${token}` })).status, 401)
    assert.equal(lines.length, 1)
    const [level, line] = lines[0]!
    assert.equal(level, 'info')
    assert.match(line, /^tokenguard refused GET \/data: 401 invalid_token \(audience_mismatch\)/)
    assert.match(line, /aud="https:\/\/other\.example"/)
    assert.doesNotMatch(line, /jti-secret/)
    assert.ok(!line.includes(token.split('.')[1]!), 'no token bytes')
    assert.equal(line.includes('\n'), false)
  })

  test('levels are the application\'s: silent for refusals, error for outages', async () => {
    const { lines, logger } = recordingLogger()
    const app = express()
    app.get('/data', authenticate({ ...options, jwks: { keys: [key.publicJwk] }, logger, logLevels: { refused: 'silent', unavailable: 'error' } }), (_req, res) => void res.json({ ok: true }))
    assert.equal((await ask(app, '/data')).status, 401)
    assert.deepEqual(lines, [])
    assert.throws(() => authenticate({ ...options, jwks: { keys: [key.publicJwk] }, logLevels: { refused: 'loud' as never } }), /log level "loud"/)
    assert.throws(() => authenticate({ ...options, jwks: { keys: [key.publicJwk] }, logLevels: { refuse: 'info' } as never }), /unknown "logLevels" key/)
  })

  test('with onError, the refusal is reported once: to onError, not also to the logger', async () => {
    const { lines, logger } = recordingLogger()
    const seen: TokenGuardError[] = []
    const app = express()
    app.get('/data', authenticate({ ...options, jwks: { keys: [key.publicJwk] }, logger, onError: (error) => void seen.push(error) }), (_req, res) => void res.json({ ok: true }))
    assert.equal((await ask(app, '/data')).status, 401)
    assert.equal(seen.length, 1)
    assert.deepEqual(lines, [])
  })
})

describe('issue 11 case 5: a guard without authenticate()', () => {
  test('answers 500 and logs, at error level, which guard ran on which route without authenticate()', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args.join(' '))
    try {
      const app = express()
      app.get('/admin', requireScopes('admin'), (_req, res) => void res.json({ ok: true }))
      const response = await ask(app, '/admin', { authorization: `Bearer ${await signToken(key, { scope: 'admin' })}` })
      assert.equal(response.status, 500)
    } finally {
      console.error = original
    }
    assert.equal(errors.length, 1)
    assert.match(String(errors[0]), /tokenguardRequireScopes ran on GET \/admin without authenticate\(\) before it: add authenticate\(\)/)
  })
})
