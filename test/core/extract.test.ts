/**
 * RFC 6750 §2: where a bearer token may come from, and which request shapes are refused with 400.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { extractToken, InvalidRequestError, type ExtractOptions, type RequestView } from '@tokenguard/core'
import { parseChallenge } from '../support/challenge.js'

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/'
const FORM = 'application/x-www-form-urlencoded'

const withHeader = (authorization: string | string[]): RequestView => ({ method: 'GET', headers: { authorization } })

/** Asserts that extraction refuses with 400 invalid_request and the given operator reason. */
function assertInvalidRequest(request: RequestView, reason: string, options: ExtractOptions = {}): InvalidRequestError {
  let caught: unknown
  try {
    extractToken(request, options)
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(caught)}`)
  assert.equal(caught.status, 400)
  assert.equal(caught.code, 'invalid_request')
  assert.equal(caught.reason, reason)
  assert.equal(parseChallenge(caught.wwwAuthenticate ?? null).params.error, 'invalid_request')
  return caught
}

describe('Authorization header (RFC 6750 §2.1)', () => {
  test('returns the token after "Bearer "', () => {
    assert.equal(extractToken(withHeader(`Bearer ${TOKEN}`)), TOKEN)
  })

  test('the scheme name is case-insensitive', () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) assert.equal(extractToken(withHeader(`${scheme} ${TOKEN}`)), TOKEN, scheme)
  })

  test('several spaces between scheme and token are tolerated', () => {
    assert.equal(extractToken(withHeader(`Bearer    ${TOKEN}`)), TOKEN)
  })

  test('"Bearer" without a token is malformed', () => {
    assertInvalidRequest(withHeader('Bearer'), 'malformed_authorization_header')
    assertInvalidRequest(withHeader('Bearer '), 'malformed_authorization_header')
    assertInvalidRequest(withHeader('Bearer    '), 'malformed_authorization_header')
  })

  test('characters outside b64token are refused', () => {
    for (const bad of ['abc"def', 'abc\\def', 'abc,def', 'abc def', 'abc;def', 'ab%cd', 'abc\tdef', 'tökén', 'a*b']) {
      assertInvalidRequest(withHeader(`Bearer ${bad}`), 'malformed_authorization_header')
    }
  })

  test('every b64token character is accepted', () => {
    const all = 'ABCXYZabcxyz0189-._~+/'
    assert.equal(extractToken(withHeader(`Bearer ${all}`)), all)
  })

  test('"=" padding is allowed only at the end', () => {
    assert.equal(extractToken(withHeader('Bearer abc=')), 'abc=')
    assert.equal(extractToken(withHeader('Bearer abc==')), 'abc==')
    assertInvalidRequest(withHeader('Bearer ab=c'), 'malformed_authorization_header')
    assertInvalidRequest(withHeader('Bearer =abc'), 'malformed_authorization_header')
    assertInvalidRequest(withHeader('Bearer ='), 'malformed_authorization_header')
  })

  test('another scheme means no bearer credentials: undefined', () => {
    for (const value of ['Basic dXNlcjpwYXNz', `DPoP ${TOKEN}`, 'Bearer-ish abc', `Token ${TOKEN}`]) {
      assert.equal(extractToken(withHeader(value)), undefined, value)
    }
  })

  test('no header at all: undefined', () => {
    assert.equal(extractToken({ method: 'GET', headers: {} }), undefined)
  })

  test('an empty or blank header is an invalid request', () => {
    assertInvalidRequest(withHeader(''), 'malformed_authorization_header')
    assertInvalidRequest(withHeader('   '), 'malformed_authorization_header')
  })

  test('array-valued header: one value is read, two values are an invalid request', () => {
    assert.equal(extractToken(withHeader([`Bearer ${TOKEN}`])), TOKEN)
    assertInvalidRequest(withHeader([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]), 'malformed_authorization_header')
    assertInvalidRequest(withHeader([`Bearer ${TOKEN}`, 'Basic dXNlcjpwYXNz']), 'malformed_authorization_header')
  })

  test('a Fetch Headers object is read through get()', () => {
    assert.equal(extractToken({ method: 'GET', headers: new Headers({ Authorization: `Bearer ${TOKEN}` }) }), TOKEN)
    assert.equal(extractToken({ method: 'GET', headers: new Headers() }), undefined)
    const twice = new Headers()
    twice.append('authorization', `Bearer ${TOKEN}`)
    twice.append('authorization', `Bearer ${TOKEN}`)
    assertInvalidRequest({ method: 'GET', headers: twice }, 'malformed_authorization_header')
  })
})

describe('query parameter (RFC 6750 §2.3)', () => {
  const on: ExtractOptions = { allowQueryToken: true }

  test('ignored unless enabled', () => {
    assert.equal(extractToken({ method: 'GET', headers: {}, query: { access_token: TOKEN } }), undefined)
    assert.equal(extractToken({ method: 'GET', headers: {}, url: `/x?access_token=${TOKEN}` }), undefined)
  })

  test('read from a parsed query object', () => {
    assert.equal(extractToken({ method: 'GET', headers: {}, query: { access_token: TOKEN } }, on), TOKEN)
    assert.equal(extractToken({ method: 'GET', headers: {}, query: { other: 'x' } }, on), undefined)
  })

  test('read from the raw URL when the query is not parsed', () => {
    assert.equal(extractToken({ method: 'GET', headers: {}, url: `/x?a=1&access_token=${encodeURIComponent(TOKEN)}` }, on), TOKEN)
    assert.equal(extractToken({ method: 'GET', headers: {}, url: '/x?a=1' }, on), undefined)
    assert.equal(extractToken({ method: 'GET', headers: {}, url: '/x' }, on), undefined)
  })

  test('a repeated access_token is an invalid request', () => {
    assertInvalidRequest({ method: 'GET', headers: {}, query: { access_token: [TOKEN, TOKEN] } }, 'malformed_token_parameter', on)
    const encoded = encodeURIComponent(TOKEN)
    assertInvalidRequest({ method: 'GET', headers: {}, url: `/x?access_token=${encoded}&access_token=${encoded}` }, 'malformed_token_parameter', on)
  })

  test('an empty or malformed access_token is an invalid request', () => {
    assertInvalidRequest({ method: 'GET', headers: {}, url: '/x?access_token=' }, 'malformed_token_parameter', on)
    assertInvalidRequest({ method: 'GET', headers: {}, query: { access_token: 'a"b' } }, 'malformed_token_parameter', on)
  })
})

describe('form body parameter (RFC 6750 §2.2)', () => {
  const on: ExtractOptions = { allowBodyToken: true }
  const post = (contentType: string | undefined, body: unknown, method = 'POST'): RequestView => ({
    method,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body,
  })

  test('ignored unless enabled', () => {
    assert.equal(extractToken(post(FORM, { access_token: TOKEN })), undefined)
  })

  test('read from a form-encoded body of a non-GET request', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) assert.equal(extractToken(post(FORM, { access_token: TOKEN }, method), on), TOKEN, method)
  })

  test('the media type may carry parameters and any case', () => {
    assert.equal(extractToken(post(`${FORM}; charset=utf-8`, { access_token: TOKEN }), on), TOKEN)
    assert.equal(extractToken(post('Application/X-WWW-Form-URLEncoded', { access_token: TOKEN }), on), TOKEN)
  })

  test('never from GET or HEAD', () => {
    assert.equal(extractToken(post(FORM, { access_token: TOKEN }, 'GET'), on), undefined)
    assert.equal(extractToken(post(FORM, { access_token: TOKEN }, 'HEAD'), on), undefined)
    assert.equal(extractToken({ headers: { 'content-type': FORM }, body: { access_token: TOKEN } }, on), undefined, 'no method')
  })

  test('never from multipart, JSON or an untyped body', () => {
    assert.equal(extractToken(post('multipart/form-data; boundary=x', { access_token: TOKEN }), on), undefined)
    assert.equal(extractToken(post('application/json', { access_token: TOKEN }), on), undefined)
    assert.equal(extractToken(post(undefined, { access_token: TOKEN }), on), undefined)
  })

  test('an unparsed body or a body without the parameter yields nothing', () => {
    assert.equal(extractToken(post(FORM, `access_token=${TOKEN}`), on), undefined)
    assert.equal(extractToken(post(FORM, { other: 'x' }), on), undefined)
  })

  test('a repeated access_token in the body is an invalid request', () => {
    assertInvalidRequest(post(FORM, { access_token: [TOKEN, TOKEN] }), 'malformed_token_parameter', on)
  })
})

describe('more than one method (RFC 6750 §2)', () => {
  const all: ExtractOptions = { allowBodyToken: true, allowQueryToken: true }

  test('header and query at once is 400 multiple_token_methods', () => {
    assertInvalidRequest({ method: 'GET', headers: { authorization: `Bearer ${TOKEN}` }, url: `/x?access_token=${encodeURIComponent(TOKEN)}` }, 'multiple_token_methods', all)
  })

  test('header and body at once is 400 multiple_token_methods', () => {
    const request = { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': FORM }, body: { access_token: TOKEN } }
    assertInvalidRequest(request, 'multiple_token_methods', all)
  })

  test('query and body at once is 400 multiple_token_methods', () => {
    const request = { method: 'POST', headers: { 'content-type': FORM }, query: { access_token: TOKEN }, body: { access_token: TOKEN } }
    assertInvalidRequest(request, 'multiple_token_methods', all)
  })

  test('a disabled method does not count', () => {
    const request = { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': FORM }, query: { access_token: 'other' }, body: { access_token: 'other' } }
    assert.equal(extractToken(request), TOKEN)
  })
})

test('the realm and resource metadata are carried into the refusal challenge', () => {
  const error = assertInvalidRequest(withHeader('Bearer'), 'malformed_authorization_header', { realm: 'my-api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' })
  const challenge = parseChallenge(error.wwwAuthenticate ?? null)
  assert.equal(challenge.params.realm, 'my-api')
  assert.equal(challenge.params.resource_metadata, 'https://api.example/.well-known/oauth-protected-resource')
  assert.equal(error.headers['WWW-Authenticate'], error.wwwAuthenticate)
  const multiple = assertInvalidRequest(
    { method: 'GET', headers: { authorization: `Bearer ${TOKEN}` }, query: { access_token: TOKEN } },
    'multiple_token_methods',
    { realm: 'my-api', allowQueryToken: true },
  )
  assert.equal(parseChallenge(multiple.wwwAuthenticate ?? null).params.realm, 'my-api')
})
