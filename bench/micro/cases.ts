/**
 * The operations the micro-benchmark compares for one algorithm, all on the same token and key:
 * the raw `node:crypto` signature check (the floor: no parsing, no claims), plain jose `jwtVerify` with a
 * local key set, tokenguard's core verifier with the cache off (cold) and on (cached, with a fresh string
 * per call as from a request), and the cached path as an adapter calls it (`decide`: extract the
 * header, verify, check the route's scope).
 */
import { constants, createPublicKey, verify as cryptoVerify, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto'
import { createVerifier } from '@tokenguard/core'
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose'
import type { Operation } from './timing.js'

export const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const
export type Algorithm = (typeof ALGORITHMS)[number]

export const ISSUER = 'https://issuer.bench.test'
export const AUDIENCE = 'https://api.bench.test'

async function signedToken(alg: Algorithm): Promise<{ token: string; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: `bench-${alg}`, alg, use: 'sig' }
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ scope: 'read:data openid', client_id: 'bench-client' })
    .setProtectedHeader({ alg, kid: jwk.kid!, typ: 'at+jwt' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('bench-client').setJti(`jti-${alg}`)
    .setIssuedAt(now).setExpirationTime(now + 3600)
    .sign(privateKey)
  return { token, jwk }
}

/**
 * A new string with the token's text, as a server gets from each request's header: V8 caches a string's
 * hash in the string, so looking the same string object up again and again would hide the cost of hashing
 * a fresh token for the cache lookup.
 */
export function fresh(token: string): string {
  return (' ' + token).slice(1)
}

/** `crypto.verify` arguments for a JWS algorithm (RFC 7518 §3). */
function rawVerifier(alg: Algorithm, key: KeyObject): (input: Buffer, signature: Buffer) => boolean {
  switch (alg) {
    case 'RS256':
      return (input, signature) => cryptoVerify('sha256', input, key, signature)
    case 'PS256': {
      const pss: VerifyKeyObjectInput = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      return (input, signature) => cryptoVerify('sha256', input, pss, signature)
    }
    case 'ES256': {
      const ecdsa: VerifyKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' }
      return (input, signature) => cryptoVerify('sha256', input, ecdsa, signature)
    }
    case 'EdDSA':
      return (input, signature) => cryptoVerify(null, input, key, signature)
  }
}

/** What each case key measures, for the report. */
export const CASE_LABELS = {
  raw: 'node:crypto verify (signature only, the floor)',
  jose: 'plain jose jwtVerify (local JWKS; for HS256 the secret as bytes)',
  joseCryptoKey: 'jose jwtVerify, secret imported once as a CryptoKey',
  cold: 'tokenguard verify, cold (tokenCache: false)',
  copy: 'fresh copy of the token string (baseline of the cached rows)',
  cached: 'tokenguard verify, cached (fresh token string)',
  cachedScopes: 'tokenguard verify(token, { scopes }), cached (fresh string)',
  decide: 'tokenguard decide(request view, route requirement), cached',
} as const
export type CaseKey = keyof typeof CASE_LABELS

export async function casesFor(alg: Algorithm): Promise<Array<[name: CaseKey, operation: Operation]>> {
  const { token, jwk } = await signedToken(alg)
  const dot = token.lastIndexOf('.')
  const input = Buffer.from(token.slice(0, dot))
  const signature = Buffer.from(token.slice(dot + 1), 'base64url')
  const raw = rawVerifier(alg, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }))
  if (!raw(input, signature)) throw new Error(`bench: raw ${alg} verify failed`)

  const jwks = { keys: [jwk] }
  const joseKeys = createLocalJWKSet(jwks)
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] }
  const cold = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks, tokenCache: false })
  const cached = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks })
  const requirement = cached.requirement({ scopes: ['read:data'] })
  const request = { method: 'GET', headers: { authorization: `Bearer ${token}` } }
  const scopes = ['read:data']
  await cached.verify(token) // fill the cache once
  if ((await cached.decide(request, requirement)).outcome !== 'accepted') throw new Error('bench: decide failed')

  return [
    ['raw', () => raw(input, signature)],
    ['jose', () => jwtVerify(token, joseKeys, joseOptions)],
    ['cold', () => cold.verify(token)],
    ['copy', () => fresh(token)],
    ['cached', () => cached.verify(fresh(token))],
    ['cachedScopes', () => cached.verify(fresh(token), { scopes })],
    ['decide', () => cached.decide(request, requirement)],
  ]
}
