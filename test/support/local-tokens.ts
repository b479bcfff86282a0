/**
 * Signing access tokens without any server, for verifiers configured with `jwks` (fixed keys) or `secret`
 * (HS256). Defaults mirror the key server's: a valid RFC 9068 token for {@link TEST_AUDIENCE}.
 */
import { randomUUID } from 'node:crypto'
import { SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose'
import { TEST_AUDIENCE, type SigningKey } from './key-server.js'

/** An issuer that is never contacted (keys are given locally). */
export const LOCAL_ISSUER = 'https://issuer.tokenguard.test'

/** A 32-byte HS256 secret. */
export const TEST_SECRET = 'an-hs256-secret-of-at-least-32-bytes!'

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

export interface SignOptions {
  /** Header members merged over `{ alg, kid, typ: 'at+jwt' }`; `typ: undefined` removes the type. */
  header?: Partial<JWTHeaderParameters>
  /** Claims removed after defaults are applied. */
  omit?: string[]
}

/** Signs `claims` (over defaults) with an asymmetric key, or with a shared secret as HS256. */
export async function signToken(key: SigningKey | string, claims: JWTPayload = {}, options: SignOptions = {}): Promise<string> {
  const now = nowSeconds()
  const payload: JWTPayload = {
    iss: LOCAL_ISSUER, aud: TEST_AUDIENCE, sub: 'client-1', client_id: 'client-1', iat: now, exp: now + 300, jti: randomUUID(), scope: 'read:data',
    ...claims,
  }
  for (const name of options.omit ?? []) delete payload[name]
  const base = typeof key === 'string' ? { alg: 'HS256' } : { alg: key.alg, kid: key.kid }
  const header = { ...base, typ: 'at+jwt', ...options.header } as JWTHeaderParameters
  if (header.typ === undefined) delete header.typ
  const secret = typeof key === 'string' ? new TextEncoder().encode(key) : key.privateKey
  return new SignJWT(payload).setProtectedHeader(header).sign(secret)
}
