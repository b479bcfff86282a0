/**
 * How this API proves who it is to the introspection endpoint (RFC 7662 §2.1): HTTP Basic with the
 * form-encoded id and secret (RFC 6749 §2.3.1), the same in the form body, or a signed assertion
 * (`private_key_jwt`, RFC 7523 §2.2). Credentials go into the request only; nothing here ever puts them in
 * a message.
 */
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import type { SettledIntrospection } from './introspection-options.js'

/** Adds this API's credentials to one introspection request. */
export type ClientAuthentication = (form: URLSearchParams, headers: Record<string, string>) => Promise<void>

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const ASSERTION_LIFETIME = 60

/** The authentication `settings` ask for; `issuer` is the assertion's audience. Validates the key's algorithm now. */
export function clientAuthentication(settings: SettledIntrospection, issuer: string): ClientAuthentication {
  const { clientId, clientSecret } = settings
  switch (settings.clientAuth) {
    case 'client_secret_basic': {
      const authorization = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret!)}`)}`
      return async (_form, headers) => void (headers.authorization = authorization)
    }
    case 'client_secret_post':
      return async (form) => {
        form.set('client_id', clientId)
        form.set('client_secret', clientSecret!)
      }
    case 'private_key_jwt':
      return assertionAuthentication(settings.privateKey!, clientId, issuer)
  }
}

function assertionAuthentication(privateKey: JWK | CryptoKey, clientId: string, issuer: string): ClientAuthentication {
  const alg = signingAlgorithm(privateKey)
  const kid = 'kty' in privateKey && typeof privateKey.kid === 'string' ? privateKey.kid : undefined
  let key: Promise<CryptoKey | Uint8Array> | undefined
  return async (form) => {
    key ??= 'kty' in privateKey ? importJWK(privateKey as JWK, alg) : Promise.resolve(privateKey as CryptoKey)
    const assertion = await new SignJWT({})
      .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ASSERTION_LIFETIME}s`)
      .sign(await key)
    form.set('client_id', clientId)
    form.set('client_assertion_type', ASSERTION_TYPE)
    form.set('client_assertion', assertion)
  }
}

const CURVE_ALGORITHMS: Readonly<Record<string, string>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' }

/** The JWS algorithm for a private JWK (its `alg`, else from its type) or a `CryptoKey` (from its algorithm). */
export function signingAlgorithm(key: JWK | CryptoKey): string {
  const alg = 'kty' in key ? jwkAlgorithm(key as JWK) : cryptoKeyAlgorithm(key as CryptoKey)
  if (alg === undefined) throw new TypeError('tokenguard: cannot tell the signing algorithm of "introspection.privateKey"; give the JWK an "alg"')
  return alg
}

function jwkAlgorithm(jwk: JWK): string | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg
  if (jwk.kty === 'RSA') return 'RS256'
  return typeof jwk.crv === 'string' ? CURVE_ALGORITHMS[jwk.crv] : undefined
}

function cryptoKeyAlgorithm(key: CryptoKey): string | undefined {
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string }
  const bits = algorithm.hash?.name.replace('SHA-', '')
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return bits === undefined ? undefined : `RS${bits}`
    case 'RSA-PSS':
      return bits === undefined ? undefined : `PS${bits}`
    case 'ECDSA':
      return algorithm.namedCurve === undefined ? undefined : CURVE_ALGORITHMS[algorithm.namedCurve]
    case 'Ed25519':
      return 'EdDSA'
    default:
      return undefined
  }
}

// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}
