/**
 * The floor of a JWT check (issue 18): the bare framework plus the raw RS256 signature check with
 * `node:crypto` — a `KeyObject` made once at startup from the first key of the JWK Set, one-shot `verify`
 * per request — then the payload parsed and `aud` and the scope compared, because every variant must answer
 * the sanity cases alike (`sanity.ts`: foreign key and wrong audience 401, missing scope 403).
 * It skips what any real verifier must do and what a fair peer does: reading the header (`alg` allow-list,
 * `kid` lookup, `typ`, `crit`), `iss`, `exp`/`nbf`/`iat`, an `aud` array, key rotation and refetching, and
 * error responses with `WWW-Authenticate`. Not a usable verifier: the least any library that checks
 * signatures can cost, for the cold path's "ratio to the floor".
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { grantsScope, type IssuerConfig } from './variants.js'

/** Answers 200, 401 or 403 for an `Authorization` header value. */
export type FloorCheck = (authorization: string | undefined) => 200 | 401 | 403

export async function signatureFloor(config: IssuerConfig): Promise<FloorCheck> {
  const response = await fetch(config.jwksUri)
  const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> }
  const key: KeyObject = createPublicKey({ key: keys[0]!, format: 'jwk' })
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return 401
    const token = authorization.slice(7)
    const signatureAt = token.lastIndexOf('.')
    const payloadAt = token.indexOf('.')
    if (signatureAt <= payloadAt || payloadAt < 0) return 401
    const signed = Buffer.from(token.slice(0, signatureAt))
    if (!verify('RSA-SHA256', signed, key, Buffer.from(token.slice(signatureAt + 1), 'base64url'))) return 401
    let claims: { aud?: unknown; scope?: unknown }
    try {
      claims = JSON.parse(Buffer.from(token.slice(payloadAt + 1, signatureAt), 'base64url').toString()) as typeof claims
    } catch {
      return 401
    }
    if (claims.aud !== config.audience) return 401
    return grantsScope(claims.scope) ? 200 : 403
  }
}
