/**
 * The one spelling of a compact JWS that tokenguard accepts: three segments of unpadded base64url
 * (RFC 7515 §7.1, RFC 7515 §2 "base64url encoding … with all trailing '=' characters omitted"), each in
 * canonical form (no stray bits in the last character).
 *
 * This is a syntax gate, not a decoder — jose decodes and verifies. It exists because a lenient decoder
 * (Node 20's `atob`) ignores padding, whitespace and stray low bits, so one valid token could otherwise be
 * re-spelled into many strings that all verify: each would defeat deny-lists keyed on the token and cost a
 * full verification and a cache slot.
 *
 * Canonical spelling does not make the token string canonical: an ECDSA signature (r, s) has a twin
 * (r, n − s) that verifies just as well (issuers produce both forms), so an ES256/384/512 token has two
 * strings. Anything keyed on a token — the verified-token cache, a deny list — must key ES* tokens on
 * their low-s form (`ecdsa-canonical.ts`).
 */

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/
const BASE64URL = /^[A-Za-z0-9_-]*$/
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Whether `token` is a compact JWS whose every segment is canonical unpadded base64url. */
export function isCanonicalCompactJws(token: string): boolean {
  if (token === lastCanonical) return true
  if (!COMPACT_JWS.test(token)) return false
  for (const segment of token.split('.')) if (!isCanonicalSegment(segment)) return false
  lastCanonical = token
  return true
}

// A miss asks three times about one token (issuer check, issuer pre-check, signature engine): the last token that
// passed is remembered.
let lastCanonical = ''

/** Whether `text` is canonical unpadded base64url (alphabet, no padding, no stray bits). */
export function isCanonicalBase64url(text: string): boolean {
  return BASE64URL.test(text) && isCanonicalSegment(text)
}

// A final group of 2 characters carries 8 bits (4 unused), of 3 characters 16 bits (2 unused): the unused
// low bits of the last character must be zero, and a lone final character cannot encode a byte.
function isCanonicalSegment(segment: string): boolean {
  const remainder = segment.length % 4
  if (remainder === 0) return true
  if (remainder === 1) return false
  const last = BASE64URL_ALPHABET.indexOf(segment[segment.length - 1]!)
  return (last & (remainder === 2 ? 0x0f : 0x03)) === 0
}
