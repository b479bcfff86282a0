/**
 * Reading an introspection answer: a JSON object with a boolean `active` (RFC 7662 §2.2), or, when signed
 * responses were asked for, a JWT verified with the issuer's keys whose `token_introspection` claim holds
 * that object (RFC 9701 §5). Anything else is a fault of the authorization server (or of the options),
 * never a verdict on the token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc9701#section-5
 */
import type { JWTVerifyGetKey } from 'jose'
import { verifyJwt } from './jwt-verify.js'
import { isTokenGuardError } from './errors.js'
import type { PostedForm } from './fetch-json.js'
import { INTROSPECTION_JWT_TYPE, IntrospectionFault } from './introspection-request.js'

/** What a signed answer is checked against. */
export interface ResponseExpectations {
  jwtResponse: boolean
  /** The signed answer's `iss`. */
  issuer: string
  /** The signed answer's `aud`: this API's client id. */
  clientId: string
  algorithms: readonly string[]
  /** The issuer's keys. */
  getKey: JWTVerifyGetKey
}

/** The response members of a 200 answer. */
export async function readIntrospectionResponse(posted: PostedForm, expected: ResponseExpectations): Promise<Record<string, unknown>> {
  const mediaType = (posted.contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (expected.jwtResponse) {
    if (mediaType !== INTROSPECTION_JWT_TYPE) {
      throw new IntrospectionFault(`a signed response (RFC 9701) was asked for and the answer is ${JSON.stringify(mediaType || 'untyped')}: register the client for signed introspection responses, or set jwtResponse: false`, true)
    }
    return introspectionObject(await verifiedClaim(posted.text.trim(), expected))
  }
  if (mediaType === INTROSPECTION_JWT_TYPE) throw new IntrospectionFault('the answer is a signed response, which was not asked for: set jwtResponse: true', true)
  return introspectionObject(parseJson(posted.text))
}

async function verifiedClaim(jwt: string, expected: ResponseExpectations): Promise<unknown> {
  try {
    const { payload } = await verifyJwt(jwt, expected.getKey, {
      issuer: expected.issuer,
      audience: expected.clientId,
      typ: 'token-introspection+jwt',
      algorithms: [...expected.algorithms],
      requiredClaims: ['iat'],
    })
    return payload.token_introspection
  } catch (error) {
    if (isTokenGuardError(error)) throw error // the issuer's keys cannot be had: already a 503
    // No cause: jose's claim errors carry the whole payload, which would reach any logger that prints causes.
    throw new IntrospectionFault(`the signed response does not verify: ${error instanceof Error ? error.message : String(error)}`, false)
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new IntrospectionFault('the answer is not valid JSON', false)
  }
}

function introspectionObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IntrospectionFault('the answer is not a JSON object', false)
  if (typeof (value as { active?: unknown }).active !== 'boolean') throw new IntrospectionFault('the answer has no boolean "active" member', false)
  return value as Record<string, unknown>
}
