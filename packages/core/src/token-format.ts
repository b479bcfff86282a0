/**
 * Which tokens are verified locally (JWTs, with the issuer's keys) and which are introspected (RFC 7662)
 * at the issuer's introspection endpoint. The choice is the operator's, made at configuration time; a token
 * never chooses its own path beyond its shape under `'auto'`: a JWT-shaped token that fails local
 * verification is refused, never handed to introspection, so a forgery cannot turn into a network request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */

/**
 * `'jwt'`: every token is a JWT, verified locally (the default without `introspection`). `'opaque'`: every
 * token is introspected, JWTs included (a revocation check on every token). `'auto'`: JWT-shaped tokens
 * (three dot-separated segments) are verified locally, every other token is introspected (the default
 * with `introspection`).
 */
export type TokenFormat = 'jwt' | 'opaque' | 'auto'

import { ConfigurationError } from './errors.js'

const FORMATS: readonly TokenFormat[] = ['jwt', 'opaque', 'auto']

/** Validates `tokenFormat` against whether introspection is configured. */
export function settleTokenFormat(value: unknown, hasIntrospection: boolean): TokenFormat {
  if (value === undefined) return hasIntrospection ? 'auto' : 'jwt'
  if (!FORMATS.includes(value as TokenFormat)) throw new ConfigurationError('tokenFormat', `"tokenFormat" must be one of ${FORMATS.map((format) => `"${format}"`).join(', ')}`)
  if (value !== 'jwt' && !hasIntrospection) {
    throw new ConfigurationError('tokenFormat', `"tokenFormat" "${value}" needs the "introspection" option (the endpoint and credentials to ask about opaque tokens)`)
  }
  if (value === 'jwt' && hasIntrospection) {
    throw new ConfigurationError('tokenFormat', '"tokenFormat" "jwt" never introspects: remove "introspection", or choose "auto" (opaque tokens only) or "opaque" (every token)')
  }
  return value as TokenFormat
}

/** Whether `token` has the shape of a compact JWS: exactly three dot-separated segments. */
export function isJwtShaped(token: string): boolean {
  const first = token.indexOf('.')
  if (first === -1) return false
  const second = token.indexOf('.', first + 1)
  return second !== -1 && token.indexOf('.', second + 1) === -1
}

/** Whether `token` goes to introspection under `format`. */
export function isIntrospected(token: string, format: TokenFormat): boolean {
  return format === 'opaque' || (format === 'auto' && !isJwtShaped(token))
}
