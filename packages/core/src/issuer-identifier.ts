/**
 * Where keys may come from: issuer identifiers as RFC 8414 §2 defines them (an `https` URL without query or
 * fragment; tokenguard also refuses userinfo), and key set URLs over `https`. Plain `http` — loopback
 * included — only with `allowInsecureHttp: true`, the switch for local tests; an `https` issuer's keys never
 * come over `http`, switch or not.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
import { ConfigurationError } from './errors.js'

const INSECURE_HINT = 'set allowInsecureHttp: true only for local tests'
const ABSOLUTE_HTTP_URL = /^https?:\/\/[^/?#]/i

/**
 * Whether `value` is an issuer identifier tokenguard may trust: an absolute `https` URL (or `http` with
 * `allowInsecureHttp`) without userinfo, query or fragment, nor surrounding whitespace.
 */
export function isIssuerIdentifier(value: unknown, allowInsecureHttp: boolean): value is string {
  return typeof value === 'string' && issuerProblem(value, allowInsecureHttp) === undefined
}

/**
 * Checks the issuer identifier of option `option`. With `localKeys` (`jwks` or `secret`: nothing is
 * fetched), any other string is accepted too (RFC 7519 StringOrURI), but an `http(s)` URL still follows
 * the rules above.
 *
 * @throws {ConfigurationError} naming the option and what to change.
 */
export function requireIssuerIdentifier(value: unknown, option: string, allowInsecureHttp: boolean, localKeys = false): string {
  if (typeof value !== 'string' || value === '') throw new ConfigurationError(option, `"${option}" is required (the authorization server's issuer identifier, an https URL)`)
  if (localKeys && !/^https?:/i.test(value)) return value
  const problem = issuerProblem(value, allowInsecureHttp)
  if (problem !== undefined) throw new ConfigurationError(option, `"${option}" ${problem}; got ${JSON.stringify(redact(value))}`)
  return value
}

/**
 * Checks a key set URL (`jwksUri`, or a discovered `jwks_uri`): absolute, `https` unless allowed, never
 * weaker than an `https` issuer, without credentials or fragment. A query is allowed (Entra ID's `?appid=`).
 *
 * @throws {ConfigurationError}
 */
export function requireKeySetUrl(value: unknown, option: string, allowInsecureHttp: boolean, issuer?: string): string {
  if (typeof value !== 'string' || !ABSOLUTE_HTTP_URL.test(value) || !URL.canParse(value)) {
    throw new ConfigurationError(option, `"${option}" must be an absolute http(s) URL (https; http only with allowInsecureHttp: true); got ${describe(value)}`)
  }
  const url = new URL(value)
  if (url.username !== '' || url.password !== '' || authorityOf(value).includes('@')) throw new ConfigurationError(option, `"${option}" must not contain credentials (user:password@); got ${JSON.stringify(redact(value))}`)
  if (value.includes('#')) throw new ConfigurationError(option, `"${option}" must not contain a fragment; got ${JSON.stringify(value)}`)
  if (url.protocol === 'http:') {
    if (issuer !== undefined && /^https:/i.test(issuer)) {
      throw new ConfigurationError(option, `"${option}" ${JSON.stringify(value)} uses plain http while the issuer ${JSON.stringify(issuer)} uses https — an https issuer's keys must come over https`)
    }
    if (!allowInsecureHttp) throw new ConfigurationError(option, `"${option}" must use https; got ${JSON.stringify(value)} (${INSECURE_HINT})`)
  }
  return value
}

function issuerProblem(value: string, allowInsecureHttp: boolean): string | undefined {
  if (!ABSOLUTE_HTTP_URL.test(value) || !URL.canParse(value)) return 'must be an absolute http(s) URL: an https issuer identifier (RFC 8414 §2; http only with allowInsecureHttp: true)'
  if (/\s/.test(value)) return 'must not contain whitespace (it is compared with the token\'s "iss" exactly)'
  const url = new URL(value)
  if (url.username !== '' || url.password !== '' || authorityOf(value).includes('@')) return 'must not contain userinfo (user:password@): an issuer identifier is an https URL without userinfo, query or fragment (RFC 8414 §2)'
  if (value.includes('?')) return 'must not contain a query: an issuer identifier is an https URL without query or fragment (RFC 8414 §2)'
  if (value.includes('#')) return 'must not contain a fragment: an issuer identifier is an https URL without query or fragment (RFC 8414 §2)'
  if (url.protocol === 'http:' && !allowInsecureHttp) return `must use https (${INSECURE_HINT})`
  return undefined
}

function authorityOf(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1] ?? ''
}

// Credentials never go into a message (logs outlive configurations).
function redact(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1…@')
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(redact(value)) : value === null ? 'null' : typeof value
}
