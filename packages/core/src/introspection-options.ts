/**
 * The `introspection` option: where and how this API asks the authorization server about opaque tokens
 * (RFC 7662), validated once at startup. The client secret and private key stay in the settled value,
 * which is kept in a closure: it is never part of the verifier's public `settings`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc9701
 */
import type { CryptoKey, JWK } from 'jose'
import { optionalDuration, type Duration, type DurationBounds } from './duration.js'
import { ConfigurationError } from './errors.js'
import type { IntrospectionCacheOptions } from './introspection-cache.js'
import type { IntrospectionCacheStore } from './introspection-cache-store.js'
import { requireKeySetUrl } from './issuer-identifier.js'
import { assertKnownKeys } from './option-keys.js'

/** How this API authenticates to the introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3, RFC 7523 §2.2). */
export type IntrospectionClientAuth = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/** Options of token introspection (RFC 7662), for one issuer. */
export interface IntrospectionOptions {
  /**
   * The introspection endpoint: an `https` URL (`http` only with `allowInsecureHttp`, and never for an
   * `https` issuer). Default is the `introspection_endpoint` of the issuer's metadata (discovered like the
   * key set). Tokens are only ever sent here, never to an endpoint a token names.
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
   * revocation and more load on the authorization server; `0` introspects on every request. Accepted: 0 –
   * 24 hours (a bare number from 1 to 999 is refused as seconds written as milliseconds). Default is 60000
   * (1 minute).
   */
  cacheMaxAge?: Duration | undefined
  /**
   * How long a refusing answer (an inactive token, a token for another API) is remembered, in milliseconds
   * or as a string, so that a client retrying a dead token cannot flood the authorization server. Accepted:
   * 0 – 5 minutes. Default is 10000 (10 seconds).
   */
  negativeCacheMaxAge?: Duration | undefined
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
const CACHE_AGE: DurationBounds = { min: 0, max: 86_400_000, example: '1m' }
const NEGATIVE_CACHE_AGE: DurationBounds = { min: 0, max: 300_000, example: '10s' }

/** Where the endpoint's scheme is judged: the issuer's, and whether plain http is allowed. */
export interface EndpointContext {
  issuer: string
  allowInsecureHttp: boolean
}

/** Validates the `introspection` option; `undefined` when it is not given. */
export function settleIntrospection(value: IntrospectionOptions | undefined, context: EndpointContext): SettledIntrospection | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) fail('introspection', '"introspection" must be an object { clientId, clientSecret | privateKey, … }')
  assertKnownKeys(value, KEYS, '"introspection"', 'introspection')
  if (typeof value.clientId !== 'string' || value.clientId === '') fail('introspection.clientId', '"introspection.clientId" is required (this API\'s client id at the authorization server)')
  const clientAuth = value.clientAuth ?? (value.privateKey !== undefined && value.clientSecret === undefined ? 'private_key_jwt' : 'client_secret_basic')
  if (!CLIENT_AUTH.includes(clientAuth)) fail('introspection.clientAuth', `"introspection.clientAuth" must be one of ${CLIENT_AUTH.join(', ')}`)
  assertCredentials(value, clientAuth)
  return {
    endpoint: value.endpoint === undefined ? undefined : requireKeySetUrl(value.endpoint, 'introspection.endpoint', context.allowInsecureHttp, context.issuer),
    clientId: value.clientId,
    clientAuth,
    clientSecret: value.clientSecret,
    privateKey: value.privateKey,
    jwtResponse: flag(value.jwtResponse, false, 'introspection.jwtResponse'),
    cacheMaxAge: optionalDuration(value.cacheMaxAge, 60_000, 'introspection.cacheMaxAge', CACHE_AGE),
    negativeCacheMaxAge: optionalDuration(value.negativeCacheMaxAge, 10_000, 'introspection.negativeCacheMaxAge', NEGATIVE_CACHE_AGE),
    requireAudience: flag(value.requireAudience, true, 'introspection.requireAudience'),
    cache: settleCache(value.cache),
    cacheStore: settleStore(value.cacheStore),
  }
}

function assertCredentials(value: IntrospectionOptions, clientAuth: IntrospectionClientAuth): void {
  if (clientAuth === 'private_key_jwt') {
    if (value.clientSecret !== undefined) fail('introspection.clientSecret', '"introspection.clientSecret" is not used with private_key_jwt; remove it')
    if (!isPrivateKey(value.privateKey)) fail('introspection.privateKey', '"introspection.privateKey" (a private JWK or CryptoKey) is required for private_key_jwt')
    return
  }
  if (value.privateKey !== undefined) fail('introspection.privateKey', `"introspection.privateKey" is not used with ${clientAuth}; set clientAuth: 'private_key_jwt' or remove it`)
  // The message names the option, never its value.
  if (typeof value.clientSecret !== 'string' || value.clientSecret === '') fail('introspection.clientSecret', `"introspection.clientSecret" is required for ${clientAuth}`)
}

function isPrivateKey(key: unknown): boolean {
  if (typeof key !== 'object' || key === null) return false
  const candidate = key as { type?: unknown; algorithm?: unknown; d?: unknown; kty?: unknown }
  if (typeof candidate.algorithm === 'object' && candidate.algorithm !== null) return candidate.type === 'private'
  return typeof candidate.kty === 'string' && typeof candidate.d === 'string'
}

function settleCache(value: IntrospectionOptions['cache']): IntrospectionCacheOptions {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) fail('introspection.cache', '"introspection.cache" must be an object { max, maxSize, negativeMax, negativeMaxSize, now }')
  assertKnownKeys(value, CACHE_KEYS, '"introspection.cache"', 'introspection.cache')
  return value
}

function settleStore(value: unknown): IntrospectionCacheStore | undefined {
  if (value === undefined) return undefined
  const store = value as Partial<IntrospectionCacheStore> | null
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.set !== 'function') {
    fail('introspection.cacheStore', '"introspection.cacheStore" must have get(key) and set(key, value, ttlMs) methods')
  }
  return store as IntrospectionCacheStore
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(name, `"${name}" must be true or false`)
  return value
}

function fail(option: string, message: string): never {
  throw new ConfigurationError(option, message)
}
