/**
 * Finding the access token in a request (RFC 6750 §2): the `Authorization` header always (`Bearer`, and
 * `DPoP` when DPoP is on, RFC 9449 §7.1); the form body and the query string only when enabled. Knows nothing
 * of JWTs: it returns the token's text and scheme, or refuses the request's shape.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
import type { ChallengeContext, ChallengeSettings } from './challenge.js'
import { InvalidRequestError } from './errors.js'
import { headerValue, type RequestView } from './request.js'

/**
 * A token found in the request: its text for a bearer token (the `Bearer` scheme, the body, the query), or
 * `{ dpop: text }` for `Authorization: DPoP …` (RFC 9449 §7.1). A string in the usual case, so that finding
 * a bearer token allocates nothing but the token's text; read it with {@link tokenOf} and {@link schemeOf}.
 */
export type Credentials = string | DPoPCredentials

/** A token that came with the `DPoP` scheme: its proof is asked for. */
export interface DPoPCredentials {
  readonly dpop: string
}

/** The token's text. */
export function tokenOf(credentials: Credentials): string {
  return typeof credentials === 'string' ? credentials : credentials.dpop
}

/** The scheme the token came with: `dpop` only from `Authorization: DPoP …`. */
export function schemeOf(credentials: Credentials): 'bearer' | 'dpop' {
  return typeof credentials === 'string' ? 'bearer' : 'dpop'
}

/** Where tokenguard may look for a token besides the `Authorization` header. */
export interface ExtractOptions extends ChallengeContext {
  /**
   * Accept `access_token` in an `application/x-www-form-urlencoded` body of a non-GET request
   * (RFC 6750 §2.2). The framework must have parsed the body. Default is `false`.
   */
  allowBodyToken?: boolean | undefined
  /**
   * Accept `access_token` in the query string (RFC 6750 §2.3). Tokens in URLs end up in logs and
   * `Referer` headers; OAuth 2.1 and MCP forbid it. Default is `false`.
   */
  allowQueryToken?: boolean | undefined
}

/** {@link ExtractOptions} as the verifier settles them. */
export interface ExtractSettings extends ExtractOptions, ChallengeSettings {
  /** Accept `Authorization: DPoP <token>` (RFC 9449 §7.1); from the verifier's `dpop` option. Default is `false`. */
  dpopScheme?: boolean | undefined
}

// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded'

/**
 * Returns the request's bearer token, or `undefined` when it carries none (no header, or an
 * `Authorization` header of another scheme).
 *
 * @throws {InvalidRequestError} when the `Authorization` header is malformed, a token parameter is
 *   malformed or repeated, or more than one method is used (RFC 6750 §2: "MUST NOT use more than one").
 */
export function extractToken(request: RequestView, options: ExtractSettings = {}): string | undefined {
  const token = extractCandidate(request, options)
  if (token !== undefined) assertTokenSyntax(token, options)
  return token
}

/**
 * {@link extractToken} without the final b64token check of the `Authorization` header's token, for the
 * request layer: a token found in the verified-token cache passed that check when it was first seen, so
 * the check only runs (through {@link assertTokenSyntax}) on a cache miss.
 */
export function extractCandidate(request: RequestView, options: ExtractSettings = {}): string | undefined {
  const credentials = extractCredentials(request, options)
  return credentials === undefined ? undefined : tokenOf(credentials)
}

/** {@link extractCandidate} with the scheme the token came with, for the request pipeline (DPoP). */
export function extractCredentials(request: RequestView, options: ExtractSettings = {}): Credentials | undefined {
  const fromHeader = credentialsFromAuthorization(headerValue(request.headers, 'authorization'), options)
  if (!options.allowQueryToken && !options.allowBodyToken) return fromHeader // the default: nothing to compare
  const fromQuery = options.allowQueryToken ? tokenFromQuery(request, options) : undefined
  const fromBody = options.allowBodyToken ? tokenFromBody(request, options) : undefined
  const found = [fromHeader, fromQuery, fromBody].filter((token) => token !== undefined)
  if (found.length > 1) {
    throw new InvalidRequestError({ ...options, reason: 'multiple_token_methods', detail: 'more than one token transmission method was used' }, 'More than one access token method was used')
  }
  return found[0] // a body or query token is a bearer token: a string
}

function credentialsFromAuthorization(value: string | string[] | undefined, options: ExtractSettings): Credentials | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') return repeatedAuthorization(value, options)
  const space = value.indexOf(' ')
  const schemeLength = space === -1 ? value.length : space
  const kind = isScheme(value, schemeLength, 'bearer', 'Bearer') ? 'bearer' : options.dpopScheme === true && isScheme(value, schemeLength, 'dpop', 'DPoP') ? 'dpop' : undefined
  if (kind === undefined) {
    if (value.trim() === '') throw malformedHeader(options, 'empty Authorization header')
    return undefined // another scheme (Basic, DPoP when it is off, …): not credentials for us
  }
  let start = space + 1
  while (value.charCodeAt(start) === 0x20) start++ // RFC 6750 §2.1: 1*SP between scheme and token
  const token = value.slice(start)
  if (space === -1 || token === '') throw malformedHeader(options, `Authorization header is not "${kind === 'dpop' ? 'DPoP' : 'Bearer'} <token>"`)
  return kind === 'bearer' ? token : { dpop: token }
}

/**
 * Whether the first `length` characters of `value` are the auth scheme `lowerName` (lower-case letters),
 * in any case (RFC 9110 §11.1): compared in place, so that the scheme costs no string per request — the
 * usual spelling first (one comparison), any other character by character.
 */
function isScheme(value: string, length: number, lowerName: string, usual: string): boolean {
  if (length !== lowerName.length) return false
  if (value.startsWith(usual) || value.startsWith(lowerName)) return true
  // Setting bit 5 lower-cases an ASCII letter and maps nothing else onto one.
  for (let index = 0; index < length; index++) if ((value.charCodeAt(index) | 0x20) !== lowerName.charCodeAt(index)) return false
  return true
}

/** Whether `token` has RFC 6750's b64token syntax. */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token)
}

/** Throws `invalid_request` unless `token` has RFC 6750's b64token syntax. */
export function assertTokenSyntax(token: string, context: ChallengeContext): void {
  if (!B64TOKEN.test(token)) throw malformedHeader(context, 'Authorization header is not "Bearer <token>"')
}

function repeatedAuthorization(values: string[], options: ExtractSettings): Credentials | undefined {
  if (values.length > 1) throw malformedHeader(options, 'more than one Authorization header')
  return credentialsFromAuthorization(values[0], options)
}

function tokenFromQuery(request: RequestView, context: ChallengeContext): string | undefined {
  if (isRecord(request.query)) return tokenParameter(request.query.access_token, context)
  if (request.url === undefined) return undefined
  const queryStart = request.url.indexOf('?')
  if (queryStart === -1) return undefined
  const values = new URLSearchParams(request.url.slice(queryStart + 1)).getAll('access_token')
  return tokenParameter(values.length === 0 ? undefined : values.length === 1 ? values[0] : values, context)
}

function tokenFromBody(request: RequestView, context: ChallengeContext): string | undefined {
  const method = request.method?.toUpperCase()
  if (method === undefined || method === 'GET' || method === 'HEAD') return undefined
  if (!isFormBody(headerValue(request.headers, 'content-type'))) return undefined
  if (!isRecord(request.body)) return undefined
  return tokenParameter(request.body.access_token, context)
}

function tokenParameter(value: unknown, context: ChallengeContext): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && B64TOKEN.test(value)) return value
  throw new InvalidRequestError({ ...context, reason: 'malformed_token_parameter', detail: 'access_token parameter is repeated, empty or not a b64token' })
}

function isFormBody(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== 'string') return false
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return mediaType === FORM_MEDIA_TYPE
}

function malformedHeader(context: ChallengeContext, detail: string): InvalidRequestError {
  return new InvalidRequestError({ ...context, reason: 'malformed_authorization_header', detail })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
