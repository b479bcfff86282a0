/**
 * RFC 6750 §3: the `WWW-Authenticate` value, its sanitising, and what every refusal class answers with.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  formatBearerChallenge,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  sanitizeAttribute,
  TokenGuardError,
} from '@tokenguard/core'
import { parseChallenge } from '../support/challenge.js'

const CONTEXT = { realm: 'api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' }

describe('formatBearerChallenge', () => {
  test('no attributes: the bare scheme', () => {
    assert.equal(formatBearerChallenge({}), 'Bearer')
  })

  test('attributes come in a fixed order, each once', () => {
    const value = formatBearerChallenge({
      scope: 'a b',
      resourceMetadata: 'https://rm.example/x',
      errorDescription: 'desc',
      error: 'insufficient_scope',
      realm: 'api',
    })
    assert.equal(value, 'Bearer realm="api", error="insufficient_scope", error_description="desc", scope="a b", resource_metadata="https://rm.example/x"')
    const { params } = parseChallenge(value) // fails on duplicates or forbidden characters
    assert.deepEqual(Object.keys(params), ['realm', 'error', 'error_description', 'scope', 'resource_metadata'])
  })

  test('undefined attributes are left out, empty ones are kept', () => {
    assert.equal(formatBearerChallenge({ realm: undefined, error: 'invalid_token' }), 'Bearer error="invalid_token"')
    assert.equal(formatBearerChallenge({ realm: '' }), 'Bearer realm=""')
  })

  test('every attribute value is sanitised', () => {
    const value = formatBearerChallenge({ realm: 'a"b', errorDescription: 'x\r\nSet-Cookie: y=1', scope: 's\\t' })
    assert.doesNotMatch(value, /[\r\n\\]/)
    assert.deepEqual(parseChallenge(value).params, { realm: 'ab', error_description: 'xSet-Cookie: y=1', scope: 'st' })
  })
})

describe('sanitizeAttribute', () => {
  test('keeps every character RFC 6750 allows', () => {
    let allowed = ''
    for (let code = 0x20; code <= 0x7e; code++) if (code !== 0x22 && code !== 0x5c) allowed += String.fromCharCode(code)
    assert.equal(sanitizeAttribute(allowed), allowed)
  })

  test('strips quote, backslash, CR, LF, other control characters and non-ASCII', () => {
    assert.equal(sanitizeAttribute('a"b\\c\rd\ne\tf\x00g\x7fh\x1bi'), 'abcdefghi')
    assert.equal(sanitizeAttribute('café ☕ 😀 naïve'), 'caf   nave')
    assert.equal(sanitizeAttribute('\u2028\u2029\u0085x'), 'x')
  })

  test('caps the length at 512 characters, after stripping', () => {
    assert.equal(sanitizeAttribute('a'.repeat(10_000)).length, 512)
    assert.equal(sanitizeAttribute('"'.repeat(600) + 'b'.repeat(100)), 'b'.repeat(100))
    assert.equal(sanitizeAttribute('c'.repeat(512)), 'c'.repeat(512))
  })
})

/** The one-line stack a refusal must have: its name and message, no frames. */
function assertNoStackFrames(error: Error): void {
  assert.equal(error.stack, `${error.name}: ${error.message}`)
  assert.doesNotMatch(error.stack ?? '', /\n|\bat /)
}

describe('refusal classes', () => {
  test('InvalidRequestError: 400 invalid_request with a challenge', () => {
    const error = new InvalidRequestError({ ...CONTEXT, reason: 'multiple_token_methods' })
    assert.equal(error.status, 400)
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'invalid_request')
    assert.equal(error.reason, 'multiple_token_methods')
    assert.equal(error.name, 'InvalidRequestError')
    const { params } = parseChallenge(error.headers['WWW-Authenticate'] ?? null)
    assert.deepEqual(params, { realm: 'api', error: 'invalid_request', error_description: 'The request is malformed', resource_metadata: CONTEXT.resourceMetadata })
    assert.deepEqual(Object.keys(error.headers), ['WWW-Authenticate'])
  })

  test('MissingTokenError: 401 with a challenge that carries no error attribute', () => {
    const error = new MissingTokenError({ ...CONTEXT, reason: 'missing_token' })
    assert.equal(error.status, 401)
    assert.equal(error.code, 'missing_token')
    assert.equal(error.reason, 'missing_token')
    assert.equal(error.headers['WWW-Authenticate'], `Bearer realm="api", resource_metadata="${CONTEXT.resourceMetadata}"`)
    assert.equal(new MissingTokenError().headers['WWW-Authenticate'], 'Bearer')
  })

  test('InvalidTokenError: 401 invalid_token, generic description, sanitised description argument', () => {
    const error = new InvalidTokenError({ ...CONTEXT, reason: 'signature_invalid' })
    assert.equal(error.status, 401)
    assert.equal(error.code, 'invalid_token')
    assert.equal(error.reason, 'signature_invalid')
    const { params } = parseChallenge(error.wwwAuthenticate ?? null)
    assert.equal(params.error, 'invalid_token')
    assert.equal(params.error_description, 'The access token is invalid')
    const custom = new InvalidTokenError({ reason: 'token_expired' }, 'Expired "now"\r\n')
    assert.equal(parseChallenge(custom.wwwAuthenticate ?? null).params.error_description, 'Expired now')
  })

  test('InsufficientScopeError: 403 naming every required scope', () => {
    const error = new InsufficientScopeError({ ...CONTEXT, reason: 'insufficient_scope' }, ['read:data', 'admin'])
    assert.equal(error.status, 403)
    assert.equal(error.code, 'insufficient_scope')
    assert.deepEqual(error.requiredScopes, ['read:data', 'admin'])
    const { params } = parseChallenge(error.wwwAuthenticate ?? null)
    assert.equal(params.error, 'insufficient_scope')
    assert.equal(params.scope, 'read:data admin')
    assert.equal(params.realm, 'api')
  })

  test('KeysUnavailableError: 503, Retry-After, no WWW-Authenticate', () => {
    const error = new KeysUnavailableError({ ...CONTEXT, reason: 'keys_unavailable' }, 2.1)
    assert.equal(error.status, 503)
    assert.equal(error.code, 'temporarily_unavailable')
    assert.equal(error.wwwAuthenticate, undefined)
    assert.deepEqual(error.headers, { 'Retry-After': '3' })
    assert.equal(error.retryAfter, 3)
  })

  test('Retry-After is always an integer of at least 1 second', () => {
    for (const seconds of [0, 0.001, -5, 1, 59.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const value = new KeysUnavailableError({ reason: 'keys_unavailable' }, seconds).headers['Retry-After'] ?? ''
      assert.match(value, /^[1-9][0-9]*$/, `retryAfterSeconds ${seconds} gave Retry-After: ${value}`)
    }
  })

  test('detail is sanitised and bounded; cause is kept for logs', () => {
    const cause = new Error('jose said no')
    const error = new InvalidTokenError({ reason: 'claim_invalid', detail: `claim "x"\r\n${'y'.repeat(1000)}`, cause })
    assert.equal(error.detail, `claim x${'y'.repeat(505)}`)
    assert.equal(error.cause, cause)
    assert.equal(new InvalidTokenError({ reason: 'claim_invalid' }).detail, undefined)
    assert.equal('cause' in new InvalidTokenError({ reason: 'claim_invalid' }), false)
  })

  test('the wire text never carries the detail', () => {
    const error = new InvalidTokenError({ reason: 'claim_invalid', detail: 'unexpected "aud" claim value https://secret.internal' })
    assert.doesNotMatch(error.wwwAuthenticate ?? '', /secret\.internal/)
    assert.doesNotMatch(error.message, /secret\.internal/)
  })

  test('every refusal has a one-line stack (no frames), is exposable and frozen in its headers', () => {
    const errors: TokenGuardError[] = [
      new InvalidRequestError({ reason: 'malformed_authorization_header' }),
      new MissingTokenError(),
      new InvalidTokenError({ reason: 'token_malformed', cause: new Error('inner') }),
      new InsufficientScopeError({ reason: 'insufficient_scope' }, ['a']),
      new KeysUnavailableError({ reason: 'keys_unavailable' }, 1),
    ]
    for (const error of errors) {
      assertNoStackFrames(error)
      assert.ok(error instanceof Error)
      assert.ok(error instanceof TokenGuardError)
      assert.equal(error.expose, true)
      assert.ok(Object.isFrozen(error.headers), `${error.name} headers frozen`)
      assert.ok(isTokenGuardError(error))
    }
  })

  test('capturing no stack does not change the process-wide stack trace limit', () => {
    const before = Error.stackTraceLimit
    void new InvalidTokenError({ reason: 'token_malformed' })
    assert.equal(Error.stackTraceLimit, before)
    assert.match(new Error('ordinary').stack ?? '', /\n\s+at /)
  })

  test('isTokenGuardError recognises a look-alike from a duplicated install, and rejects plain errors', () => {
    const lookAlike = Object.assign(new Error('x'), { reason: 'token_expired', status: 401, wwwAuthenticate: 'Bearer' })
    assert.equal(isTokenGuardError(lookAlike), true)
    assert.equal(isTokenGuardError(new Error('x')), false)
    assert.equal(isTokenGuardError({ reason: 'token_expired', status: 401, wwwAuthenticate: 'Bearer' }), false)
    assert.equal(isTokenGuardError(undefined), false)
  })
})
