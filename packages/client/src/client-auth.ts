/**
 * Client authentication at the token endpoint:
 * client_secret_basic (RFC 6749 §2.3.1), client_secret_post, and
 * private_key_jwt (RFC 7523 client assertion).
 */
import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject, type webcrypto } from 'node:crypto'
import { SignJWT, type JWK } from 'jose'

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/** A private key: PEM (PKCS#8, PKCS#1 or SEC1) string, private JWK, KeyObject or CryptoKey. */
export type PrivateKeyInput = string | JWK | KeyObject | webcrypto.CryptoKey

export type ClientAssertionAlg =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519'

export interface SigningKey {
  key: KeyObject | webcrypto.CryptoKey
  alg: string
  kid: string | undefined
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/** The base64 part of `Basic` credentials: id and secret are form-urlencoded before base64 (RFC 6749 §2.3.1). */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')
}

function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object CryptoKey]' &&
    'algorithm' in value &&
    'usages' in value
  )
}

function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && 'asymmetricKeyType' in value && 'export' in value
}

function inferAlg(key: KeyObject | webcrypto.CryptoKey): string | undefined {
  if (isCryptoKey(key)) {
    const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } }
    switch (algorithm.name) {
      case 'RSASSA-PKCS1-v1_5':
        return `RS${algorithm.hash?.name.slice(4) ?? '256'}`
      case 'RSA-PSS':
        return `PS${algorithm.hash?.name.slice(4) ?? '256'}`
      case 'ECDSA':
        return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[algorithm.namedCurve ?? '']
      case 'Ed25519':
        return 'EdDSA'
      default:
        return undefined
    }
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256'
    case 'rsa-pss':
      return 'PS256'
    case 'ec':
      return { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[key.asymmetricKeyDetails?.namedCurve ?? '']
    case 'ed25519':
      return 'EdDSA'
    default:
      return undefined
  }
}

/** Normalises the configured private key, its alg and kid. */
export function resolveSigningKey(input: PrivateKeyInput, alg?: string, keyId?: string): SigningKey {
  let key: KeyObject | webcrypto.CryptoKey
  let jwkAlg: string | undefined
  let jwkKid: string | undefined
  if (typeof input === 'string') {
    key = createPrivateKey(input)
  } else if (isCryptoKey(input) || isKeyObject(input)) {
    key = input
  } else {
    jwkAlg = input.alg
    jwkKid = input.kid
    if (!input.d) throw new TypeError('privateKey JWK must be a private key (missing "d")')
    key = createPrivateKey({ key: input as JsonWebKey, format: 'jwk' })
  }
  if (key.type !== 'private') throw new TypeError('privateKey must be a private key')
  const resolvedAlg = alg ?? jwkAlg ?? inferAlg(key)
  if (!resolvedAlg) throw new TypeError('cannot infer the signing alg of privateKey; set `alg`')
  return { key, alg: resolvedAlg, kid: keyId ?? jwkKid }
}

export interface ClientAuthConfig {
  method: ClientAuthMethod
  clientId: string
  clientSecret: string | undefined
  signingKey: SigningKey | undefined
  /** Lifetime of client assertions in ms. */
  assertionLifetimeDuration: number
}

/**
 * Adds client authentication to a token request: sets headers and/or body
 * parameters. `assertionAudience` is the `aud` of a private_key_jwt assertion.
 */
export async function applyClientAuth(
  config: ClientAuthConfig,
  assertionAudience: string,
  headers: Record<string, string>,
  params: Record<string, string>,
): Promise<void> {
  switch (config.method) {
    case 'client_secret_basic':
      headers.authorization = `Basic ${basicCredentials(config.clientId, config.clientSecret!)}`
      return
    case 'client_secret_post':
      params.client_id = config.clientId
      params.client_secret = config.clientSecret!
      return
    case 'private_key_jwt': {
      const { key, alg, kid } = config.signingKey!
      const now = Math.floor(Date.now() / 1000)
      const assertion = await new SignJWT({})
        .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' })
        .setIssuer(config.clientId)
        .setSubject(config.clientId)
        .setAudience(assertionAudience)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + Math.max(1, Math.round(config.assertionLifetimeDuration / 1000)))
        .sign(key)
      params.client_id = config.clientId
      params.client_assertion_type = CLIENT_ASSERTION_TYPE
      params.client_assertion = assertion
      return
    }
    default: {
      const unknownMethod: never = config.method
      throw new TypeError(`unsupported client auth method ${String(unknownMethod)}`)
    }
  }
}
