/**
 * DPoP proofs for tests, made with jose: well-formed ones by default, and — through the overrides — every
 * malformed or hostile shape the attack tables need (another `typ`, a MAC or `none`, a private `jwk`, a stale
 * `iat`, another `htu`…). Also the bound access tokens (`cnf.jkt`, `cnf["x5t#S256"]`) signed by a local issuer.
 */
import { createHash, randomUUID } from 'node:crypto'
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from './key-server.js'
import { LOCAL_ISSUER, signToken } from './local-tokens.js'

/** The public origin every test API claims (as behind a load balancer): proofs name it in `htu`. */
export const API_ORIGIN = 'https://api.tokenguard.test'

/** A client's proof key. */
export interface ProofKey {
  alg: string
  privateKey: CryptoKey
  publicJwk: JWK
  privateJwk: JWK
  /** RFC 7638 thumbprint (the token's `cnf.jkt`). */
  jkt: string
}

export async function proofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  return { alg, privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(publicJwk) }
}

/** base64url SHA-256 of an access token (`ath`). */
export const athOf = (token: string): string => createHash('sha256').update(token).digest('base64url')

export interface ProofOptions {
  htm?: string
  /** Default: `API_ORIGIN + '/data'`. */
  htu?: string
  /** The access token whose hash goes into `ath`; omit for none. */
  token?: string
  nonce?: string
  /** Seconds since the epoch. Default now. */
  iat?: number
  jti?: string
  /** Header members merged over `{ typ: 'dpop+jwt', alg, jwk }` (`undefined` removes one). */
  header?: Record<string, unknown>
  /** Claims merged over the defaults (`undefined` removes one). */
  claims?: Record<string, unknown>
}

/** A signed proof (by `key`, with the public JWK in the header unless overridden). */
export async function makeProof(key: ProofKey, options: ProofOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: options.htm ?? 'GET',
    htu: options.htu ?? `${API_ORIGIN}/data`,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    jti: options.jti ?? randomUUID(),
    ...(options.token === undefined ? {} : { ath: athOf(options.token) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  }
  const header: Record<string, unknown> = { typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...options.header }
  return new SignJWT(dropUndefined(payload) as JWTPayload).setProtectedHeader(dropUndefined(header) as never).sign(key.privateKey)
}

/** A proof "signed" with `alg: none` (an empty signature). */
export function unsignedProof(key: ProofKey, options: ProofOptions = {}): string {
  const header = { typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk }
  const payload = { htm: options.htm ?? 'GET', htu: options.htu ?? `${API_ORIGIN}/data`, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...(options.token === undefined ? {} : { ath: athOf(options.token) }) }
  return `${encode(header)}.${encode(payload)}.`
}

/** A proof MAC'ed with HS256 under `secret`, naming a symmetric `jwk` (or the client's public key). */
export async function hmacProof(secret: Uint8Array, jwk: JWK, options: ProofOptions = {}): Promise<string> {
  const payload = { htm: options.htm ?? 'GET', htu: options.htu ?? `${API_ORIGIN}/data`, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...(options.token === undefined ? {} : { ath: athOf(options.token) }) }
  return new SignJWT(payload).setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk } as never).sign(secret)
}

function encode(value: unknown): string {
  return base64url.encode(JSON.stringify(value))
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))
}

/** A local issuer's key and tokens: verifiers get `jwks`, so no server is involved. */
export interface BoundIssuer {
  signing: SigningKey
  /** Verifier options for this issuer (merge your own over them). */
  options: { issuer: string; audience: string; jwks: { keys: JWK[] }; origin: string }
  /** A token bound to `key` (cnf.jkt), with `claims` over the defaults. */
  dpopToken(key: ProofKey, claims?: JWTPayload): Promise<string>
  /** A token bound to a certificate thumbprint (cnf x5t#S256). */
  certificateToken(x5t: string, claims?: JWTPayload): Promise<string>
  /** An unbound token. */
  token(claims?: JWTPayload): Promise<string>
}

export async function boundIssuer(): Promise<BoundIssuer> {
  const signing = await generateSigningKey('ES256', `bound-${randomUUID().slice(0, 8)}`)
  return {
    signing,
    options: { issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [signing.publicJwk] }, origin: API_ORIGIN },
    dpopToken: (key, claims = {}) => signToken(signing, { scope: 'read:data write:data', cnf: { jkt: key.jkt }, ...claims }),
    certificateToken: (x5t, claims = {}) => signToken(signing, { scope: 'read:data write:data', cnf: { 'x5t#S256': x5t }, ...claims }),
    token: (claims = {}) => signToken(signing, { scope: 'read:data write:data', ...claims }),
  }
}
