/**
 * fast-check arbitraries for what reaches `extractToken`: `Authorization` headers of every shape (right and
 * wrong schemes, separators, b64tokens, arbitrary Unicode, repeated headers), Node-style header records
 * and Fetch-style `get()` headers, parsed and unparsed query strings, bodies of any JSON shape, methods and
 * content types, with body and query tokens enabled or not.
 */
import fc from 'fast-check'
import type { ExtractOptions, RequestView } from '@tokenguard/core'

const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,40}=*$/)
const anyText = fc.string({ unit: 'binary', maxLength: 24 })
const tokenish = fc.oneof(b64token, anyText, fc.constantFrom('', ' ', 'a b', 'a,b', 'abc"def', 'x\ty', '=abc', 'a==b'))

const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr', 'Basic', 'DPoP', 'Bearerx', 'Token', '', ' Bearer')
const separator = fc.constantFrom(' ', '  ', '\t', '', ',', ' \t ')

const authorizationValue = fc.oneof(
  { weight: 2, arbitrary: b64token.map((token) => `Bearer ${token}`) },
  { weight: 4, arbitrary: fc.tuple(scheme, separator, tokenish).map(([s, sep, token]) => `${s}${sep}${token}`) },
  { weight: 1, arbitrary: anyText },
)

/** One header, a repeated one (Node joins most headers but not all; frameworks differ), or none. */
const authorizationHeader: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  { weight: 5, arbitrary: authorizationValue },
  { weight: 1, arbitrary: fc.array(authorizationValue, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

const contentType = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8',
  ' application/x-www-form-urlencoded ',
  'application/json',
  'multipart/form-data; boundary=x',
  'text/plain',
)

/** A value where `access_token` may sit: a string, a repeated parameter, or any JSON-ish value. */
const tokenParameter = fc.oneof(b64token, tokenish, fc.array(b64token, { maxLength: 3 }), fc.anything({ maxDepth: 2 }))

const parsedParameters = fc.oneof(
  fc.constant(undefined),
  fc.record({ access_token: tokenParameter, other: fc.option(anyText) }, { requiredKeys: [] }),
  fc.anything({ maxDepth: 2 }),
)

const url = fc.oneof(
  fc.constant(undefined),
  fc.constant('/resource'),
  fc.tuple(fc.constantFrom('/r?', '/r?x=1&', '?'), fc.array(fc.tuple(fc.constantFrom('access_token', 'access_token%20', 'x'), tokenish), { maxLength: 3 })).map(
    ([prefix, pairs]) => `${prefix}${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`,
  ),
  anyText.map((text) => `/r?${text}`),
)

const method = fc.constantFrom(undefined, 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'post')

/** Node-style lower-case record, or a Fetch-style object with `get()` (`null` when absent). */
function headersOf(authorization: string | string[] | undefined, type: string | undefined, fetchStyle: boolean): RequestView['headers'] {
  const record: Record<string, string | string[] | undefined> = { authorization, 'content-type': type }
  if (!fetchStyle) return record
  return {
    get(name: string): string | null {
      const value = record[name]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
  }
}

export const extractRequest: fc.Arbitrary<RequestView> = fc
  .record({ authorization: authorizationHeader, type: contentType, fetchStyle: fc.boolean(), method, query: parsedParameters, url, body: parsedParameters })
  .map(({ authorization, type, fetchStyle, ...rest }) => ({ ...rest, headers: headersOf(authorization, type, fetchStyle) }))

export const extractOptions: fc.Arbitrary<ExtractOptions> = fc.record(
  { allowBodyToken: fc.boolean(), allowQueryToken: fc.boolean(), realm: fc.option(anyText, { nil: undefined }) },
  { requiredKeys: [] },
)
