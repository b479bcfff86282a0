/**
 * Comparing a DPoP proof's `htu` with the request's URL (RFC 9449 §4.3 check 9): both without query and
 * fragment, after the syntax-based (RFC 3986 §6.2.2: case, percent-encoding, dot segments) and scheme-based
 * (§6.2.3: default port, empty path) normalisation, so that `HTTPS://API.example.com:443/a/%7euser` and
 * `https://api.example.com/a/~user` are the same URI and nothing else is.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-6.2.2
 */

/**
 * The normal form of an absolute http(s) URI without its query and fragment, or `undefined` when `value` is
 * not one. The WHATWG parser lowercases scheme and host, drops the default port, turns an empty path into `/`
 * and removes dot segments; percent-encodings are then normalised (§6.2.2.2: unreserved characters decoded,
 * the rest upper case).
 */
export function normalizedHtu(value: string): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  // Credentials in a URI are no part of what the client addressed in a request; a proof naming some is bogus.
  if (url.username !== '' || url.password !== '') return undefined
  return `${url.protocol}//${url.host}${normalizePercentEncoding(url.pathname)}`
}

const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

function normalizePercentEncoding(path: string): string {
  return path.replace(PERCENT_ENCODED, (_match, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`
  })
}
