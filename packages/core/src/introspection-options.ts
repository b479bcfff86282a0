/**
 * The `introspection` option: where and how this API asks the authorization server about opaque tokens
 * (RFC 7662), validated once at startup. The client secret and private key stay in the settled value,
 * which is kept in a closure: it is never part of the verifier's public `settings`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc9701
 */
import type { CryptoKey, JWK } from 'jose'
import { durationMs } from './duration.js'
import type { IntrospectionCacheOptions } from './introspection-cache.js'
import type { IntrospectionCacheStore } from './introspection-cache-store.js'
import { assertKnownKeys } from './option-keys.js'

/** How this API authenticates to the introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3, RFC 7523 §2.2). */
export type IntrospectionClientAuth = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/** Options of token introspection (RFC 7662), for one issuer. */
export interface IntrospectionOptions {
  /**
   * The introspection endpoint. Default is the `introspection_endpoint` of the issuer's metadata
   * (discovered like the key set). Tokens are only ever sent here, never to an endpoint a token names.
   */
  endpoint?: string | undefined
  /** This API's client id at the authorization server. Required. */
  clientId: string
  /** This API's client secret, for `client_secret_basic` and `client_secret_post`. Never logged nor part of any error or event. */
  clientSecret?: string | undefined
  /**
   * How the request is authenticated. Default is `'client_secret_basic'` (`'private_key_jwt'` when only
   * `privateKey` is given).
   */
  clientAuth?: IntrospectionClientAuth | undefined
  /**
   * The private key for `private_key_jwt` (RFC 7523): a private JWK (its `alg` names the algorithm, else
   * it follows from the key type) or a private `CryptoKey`. Each request carries a fresh assertion with
   * `iss` = `sub` = `clientId`, `aud` = the issuer, a random `jti` and a 60-second `exp`.
   */
  privateKey?: JWK | CryptoKey | undefined
  /**
   * Ask for a signed response (RFC 9701: `Accept: application/token-introspection+jwt`) and verify it with
   * the issuer's keys (`typ` `token-introspection+jwt`, `iss` = the issuer, `aud` = `clientId`). The client
   * must be registered for signed responses; an unsigned answer is then refused. Default is `false`.
   */
  jwtResponse?: boolean | undefined
  /**
   * Upper bound of an accepted answer's life in the cache, in milliseconds or as a string (`'30s'`, `'5m'`);
   * never past the token's `exp`. The delay after which a revoked token is refused: lower means quicker
   * revocation and more load on the authorization server; `0` introspects on every request. At most 24
   * hours. Default is 60000 (1 minute).
   */
  cacheMaxAge?: number | string | undefined
  /**
   * How long a refusing answer (an inactive token, a token for another API) is remembered, in milliseconds
   * or as a string, so that a client retrying a dead token cannot flood the authorization server. At most 5
   * minutes. Default is 10000 (10 seconds).
   */
  negativeCacheMaxAge?: number | string | undefined
  /**
   * Whether an answer must name this API in `aud`. RFC 7662 makes `aud` optional, but without it a token
   * issued to any client for any API of the same authorization server would pass, so the default is `true`
   * (an answer without `aud` is refused, `claim_missing`). Set `false` only for an authorization server
   * that never names audiences and issues tokens for this API alone; an `aud` that is present must always
   * name this API.
   */
  requireAudience?: boolean | undefined
  /** Bounds (and clock) of the local cache of answers. Default is `{}` (the defaults of each bound). */
  cache?: IntrospectionCacheOptions | undefined
  /** A cache shared by a fleet (e.g. Redis from `@tokenguard/redis`), consulted after the local one. Default is none. */
  cacheStore?: IntrospectionCacheStore | undefined
}

/** The introspection options after validation. */
export interface SettledIntrospection {
  endpoint: string | undefined
  clientId: string
  clientAuth: IntrospectionClientAuth
  clientSecret: string | undefined
  privateKey: JWK | CryptoKey | undefined
  jwtResponse: boolean
  cacheMaxAge: number
  negativeCacheMaxAge: number
  requireAudience: boolean
  cache: IntrospectionCacheOptions
  cacheStore: IntrospectionCacheStore | undefined
}

const KEYS = ['endpoint', 'clientId', 'clientSecret', 'clientAuth', 'privateKey', 'jwtResponse', 'cacheMaxAge', 'negativeCacheMaxAge', 'requireAudience', 'cache', 'cacheStore']
const CACHE_KEYS = ['max', 'maxSize', 'negativeMax', 'negativeMaxSize', 'now']
const CLIENT_AUTH: readonly IntrospectionClientAuth[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']
const MAX_CACHE_AGE = 86_400_000
const MAX_NEGATIVE_CACHE_AGE = 300_000

/** Validates the `introspection` option; `undefined` when it is not given. */
export function settleIntrospection(value: IntrospectionOptions | undefined): SettledIntrospection | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) throw new TypeError('tokenguard: "introspection" must be an object { clientId, clientSecret | privateKey, … }')
  assertKnownKeys(value, KEYS, '"introspection"')
  if (typeof value.clientId !== 'string' || value.clientId === '') throw new TypeError('tokenguard: "introspection.clientId" is required (this API\'s client id at the authorization server)')
  const clientAuth = value.clientAuth ?? (value.privateKey !== undefined && value.clientSecret === undefined ? 'private_key_jwt' : 'client_secret_basic')
  if (!CLIENT_AUTH.includes(clientAuth)) throw new TypeError(`tokenguard: "introspection.clientAuth" must be one of ${CLIENT_AUTH.join(', ')}`)
  assertCredentials(value, clientAuth)
  return {
    endpoint: value.endpoint === undefined ? undefined : endpointUrl(value.endpoint),
    clientId: value.clientId,
    clientAuth,
    clientSecret: value.clientSecret,
    privateKey: value.privateKey,
    jwtResponse: flag(value.jwtResponse, false, 'introspection.jwtResponse'),
    cacheMaxAge: atMost(durationMs(value.cacheMaxAge, 60_000, 'introspection.cacheMaxAge'), MAX_CACHE_AGE, 'introspection.cacheMaxAge'),
    negativeCacheMaxAge: atMost(durationMs(value.negativeCacheMaxAge, 10_000, 'introspection.negativeCacheMaxAge'), MAX_NEGATIVE_CACHE_AGE, 'introspection.negativeCacheMaxAge'),
    requireAudience: flag(value.requireAudience, true, 'introspection.requireAudience'),
    cache: settleCache(value.cache),
    cacheStore: settleStore(value.cacheStore),
  }
}

function assertCredentials(value: IntrospectionOptions, clientAuth: IntrospectionClientAuth): void {
  if (clientAuth === 'private_key_jwt') {
    if (value.clientSecret !== undefined) throw new TypeError('tokenguard: "introspection.clientSecret" is not used with private_key_jwt; remove it')
    if (!isPrivateKey(value.privateKey)) throw new TypeError('tokenguard: "introspection.privateKey" (a private JWK or CryptoKey) is required for private_key_jwt')
    return
  }
  if (value.privateKey !== undefined) throw new TypeError(`tokenguard: "introspection.privateKey" is not used with ${clientAuth}; set clientAuth: 'private_key_jwt' or remove it`)
  // The message names the option, never its value.
  if (typeof value.clientSecret !== 'string' || value.clientSecret === '') throw new TypeError(`tokenguard: "introspection.clientSecret" is required for ${clientAuth}`)
}

function isPrivateKey(key: unknown): boolean {
  if (typeof key !== 'object' || key === null) return false
  const candidate = key as { type?: unknown; algorithm?: unknown; d?: unknown; kty?: unknown }
  if (typeof candidate.algorithm === 'object' && candidate.algorithm !== null) return candidate.type === 'private'
  return typeof candidate.kty === 'string' && typeof candidate.d === 'string'
}

function settleCache(value: IntrospectionOptions['cache']): IntrospectionCacheOptions {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) throw new TypeError('tokenguard: "introspection.cache" must be an object { max, maxSize, negativeMax, negativeMaxSize, now }')
  assertKnownKeys(value, CACHE_KEYS, '"introspection.cache"')
  return value
}

function settleStore(value: unknown): IntrospectionCacheStore | undefined {
  if (value === undefined) return undefined
  const store = value as Partial<IntrospectionCacheStore> | null
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.set !== 'function') {
    throw new TypeError('tokenguard: "introspection.cacheStore" must have get(key) and set(key, value, ttlMs) methods')
  }
  return store as IntrospectionCacheStore
}

// http is accepted as for every other URL option until `allowInsecureHttp` lands; then https only without it.
function endpointUrl(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TypeError('tokenguard: "introspection.endpoint" must be an absolute http(s) URL')
  }
  return value
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`tokenguard: "${name}" must be true or false`)
  return value
}

function atMost(value: number, limit: number, name: string): number {
  if (value > limit) throw new TypeError(`tokenguard: "${name}" must be at most ${limit} ms`)
  return value
}
