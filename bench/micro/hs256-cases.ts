/**
 * HS256 (`secret` option), beside the four asymmetric algorithms: the raw HMAC check (`node:crypto`), jose
 * with the secret as bytes (as jose's documentation shows, and as tokenguard's `SecretKeySource` hands it
 * to jose), jose with the secret imported once as a `CryptoKey`, and tokenguard cold and cached. jose
 * imports a byte secret into a `CryptoKey` on every call; the gap between the two jose rows is that cost.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createVerifier } from '@tokenguard/core'
import { jwtVerify, SignJWT } from 'jose'
import { AUDIENCE, fresh, ISSUER, type CaseKey } from './cases.js'
import type { Operation } from './timing.js'

const SECRET = new TextEncoder().encode('bench-secret-bench-secret-bench-secret!')

export async function hs256Cases(): Promise<Array<[name: CaseKey, operation: Operation]>> {
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ scope: 'read:data openid', client_id: 'bench-client' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('bench-client').setJti('jti-HS256')
    .setIssuedAt(now).setExpirationTime(now + 3600)
    .sign(SECRET)
  const dot = token.lastIndexOf('.')
  const input = token.slice(0, dot)
  const signature = Buffer.from(token.slice(dot + 1), 'base64url')
  const raw = () => timingSafeEqual(createHmac('sha256', SECRET).update(input).digest(), signature)
  if (!raw()) throw new Error('bench: raw HS256 verify failed')
  const cryptoKey = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }
  const options = { issuer: ISSUER, audience: AUDIENCE, secret: SECRET, algorithms: ['HS256'] }
  const cold = createVerifier({ ...options, tokenCache: false })
  const cached = createVerifier(options)
  const requirement = cached.requirement({ scopes: ['read:data'] })
  const request = { method: 'GET', headers: { authorization: `Bearer ${token}` } }
  const scopes = ['read:data']
  await cached.verify(token)
  return [
    ['raw', raw],
    ['jose', () => jwtVerify(token, SECRET, joseOptions)],
    ['joseCryptoKey', () => jwtVerify(token, cryptoKey, joseOptions)],
    ['cold', () => cold.verify(token)],
    ['copy', () => fresh(token)],
    ['cached', () => cached.verify(fresh(token))],
    ['cachedScopes', () => cached.verify(fresh(token), { scopes })],
    ['decide', () => cached.decide(request, requirement)],
  ]
}
