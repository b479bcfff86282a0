/**
 * Validation of TokenClientOptions when the client is created: unknown keys (with a "did you mean …?"),
 * wrong types, implausible durations and insecure URLs fail here, not at the first token request.
 * Messages never include secret values.
 */
import type { ClientAssertionAlg, ClientAuthMethod, PrivateKeyInput } from './client-auth.js'
import { refuseUnknownOptions } from './did-you-mean.js'
import { toMilliseconds, type DurationRange } from './duration.js'
import type { FetchLike, TokenClientLogger } from './http.js'
import type { TokenClientOptions, TokenRequestOverrides } from './options.js'
import { resolveRetry, type ResolvedRetry } from './retry.js'
import { normalizeScope, type TokenStore } from './store.js'
import { checkAudit, checkTelemetry, type ClientTelemetryOptions, type TokenRequestSink } from './telemetry.js'
import { checkEndpointUrl } from './url.js'

/** Options after validation: defaults applied, durations in milliseconds, scope and resource normalised. */
export interface ResolvedOptions {
  tokenEndpoint: string | undefined
  issuer: string | undefined
  clientId: string
  clientSecret: string | undefined
  auth: ClientAuthMethod
  privateKey: PrivateKeyInput | undefined
  keyId: string | undefined
  alg: ClientAssertionAlg | undefined
  assertionAudience: 'token_endpoint' | 'issuer'
  assertionLifetimeDuration: number
  scope: string | undefined
  audience: string | undefined
  resource: readonly string[] | undefined
  extraParams: Readonly<Record<string, string>>
  bodyFormat: 'form' | 'json'
  store: TokenStore | undefined
  timeoutDuration: number
  maxResponseSize: number
  retry: ResolvedRetry
  refreshAheadDuration: number | undefined
  refreshJitterDuration: number | undefined
  fallbackLifetimeDuration: number
  allowInsecureHttp: boolean
  fetch: FetchLike | undefined
  logger: TokenClientLogger | undefined
  telemetry: ClientTelemetryOptions | undefined
  audit: readonly TokenRequestSink[]
}

/** Every option name; the type check below fails the build when TokenClientOptions gains one not listed here. */
export const OPTION_NAMES = [
  'tokenEndpoint', 'issuer', 'clientId', 'clientSecret', 'privateKey', 'keyId', 'alg', 'assertionAudience',
  'assertionLifetimeDuration', 'auth', 'scope', 'audience', 'resource', 'extraParams', 'bodyFormat', 'store',
  'timeoutDuration', 'maxResponseSize', 'retry', 'refreshAheadDuration', 'refreshJitterDuration',
  'fallbackLifetimeDuration', 'allowInsecureHttp', 'fetch', 'logger', 'telemetry', 'audit',
] as const satisfies readonly (keyof TokenClientOptions)[]
const everyOptionListed: Exclude<keyof TokenClientOptions, (typeof OPTION_NAMES)[number]> extends never ? true : never = true
void everyOptionListed

const OVERRIDE_NAMES = ['scope', 'audience', 'resource', 'forceRefresh'] as const satisfies readonly (keyof TokenRequestOverrides)[]

/** Parameters that extraParams must not set (they have their own options). */
const RESERVED_PARAMS = new Set(['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'scope', 'audience', 'resource'])
const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']
const ASSERTION_ALGS: readonly ClientAssertionAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

const WHERE = 'createTokenClient()'
const label = (name: string) => `${WHERE} ${JSON.stringify(name)}`
const fail = (name: string, must: string): never => {
  throw new TypeError(`tokenguard: ${label(name)} must be ${must}`)
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  return typeof value === 'string' && value !== '' ? value : fail(name, 'a non-empty string')
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  return allowed.includes(value as T) ? (value as T) : fail(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`)
}

function duration(value: unknown, name: string, fallback: number, range: DurationRange): number
function duration(value: unknown, name: string, fallback: undefined, range: DurationRange): number | undefined
function duration(value: unknown, name: string, fallback: number | undefined, range: DurationRange): number | undefined {
  if (value === undefined) return fallback
  return toMilliseconds(value, label(name), range)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Normalises resource indicator(s) and checks them (RFC 8707: absolute URI, no fragment). */
export function normalizeResource(resource: unknown, where = label('resource')): readonly string[] | undefined {
  if (resource === undefined) return undefined
  if (typeof resource !== 'string' && !Array.isArray(resource)) throw new TypeError(`tokenguard: ${where} must be a string or an array of strings`)
  const list: unknown[] = typeof resource === 'string' ? [resource] : [...(resource as unknown[])]
  if (list.length === 0) return undefined
  for (const value of list) {
    if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError(`tokenguard: ${where} value ${JSON.stringify(value)} must be an absolute URI`)
    if (value.includes('#')) throw new TypeError(`tokenguard: ${where} value ${JSON.stringify(value)} must not contain a fragment`)
  }
  return [...new Set(list as string[])].sort()
}

/** Checks a scope option's type and normalises it (sorted, de-duplicated, space separated). */
export function checkScope(scope: unknown, where = label('scope')): string | undefined {
  if (scope === undefined) return undefined
  const ok = typeof scope === 'string' || (Array.isArray(scope) && scope.every((s) => typeof s === 'string'))
  if (!ok) throw new TypeError(`tokenguard: ${where} must be a space-separated string or an array of strings`)
  return normalizeScope(scope as string | string[])
}

function checkExtraParams(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {}
  if (!isPlainObject(value)) return fail('extraParams', 'an object of string values')
  for (const [key, param] of Object.entries(value)) {
    if (RESERVED_PARAMS.has(key)) throw new TypeError(`tokenguard: ${label('extraParams')} must not set "${key}"; use the dedicated option`)
    if (typeof param !== 'string') fail(`extraParams.${key}`, 'a string')
  }
  return Object.freeze({ ...(value as Record<string, string>) })
}

function checkStore(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined
  const store = value as Partial<Record<keyof TokenStore, unknown>> | null
  const ok = typeof store === 'object' && store !== null && ['get', 'set', 'delete'].every((m) => typeof store[m as keyof TokenStore] === 'function')
  return ok ? (value as TokenStore) : fail('store', 'an object with get(key), set(key, value, ttlMs) and delete(key) methods')
}

function checkLogger(value: unknown): TokenClientLogger | undefined {
  if (value === undefined) return undefined
  const logger = value as Record<string, unknown> | null
  const ok = typeof logger === 'object' && logger !== null && ['debug', 'warn'].every((m) => logger[m] === undefined || typeof logger[m] === 'function')
  return ok ? (value as TokenClientLogger) : fail('logger', 'an object whose debug and warn, when present, are functions')
}

function checkEndpoints(options: TokenClientOptions, insecure: boolean): void {
  const tokenEndpoint = optionalText(options.tokenEndpoint, 'tokenEndpoint')
  const issuer = optionalText(options.issuer, 'issuer')
  if (tokenEndpoint === undefined && issuer === undefined) throw new TypeError(`tokenguard: ${WHERE} needs either tokenEndpoint or issuer`)
  if (tokenEndpoint !== undefined) checkEndpointUrl(tokenEndpoint, label('tokenEndpoint'), insecure)
  if (issuer !== undefined && new URL(checkEndpointUrl(issuer, label('issuer'), insecure)).search) {
    throw new TypeError(`tokenguard: ${label('issuer')} must not contain a query (RFC 8414 §2)`)
  }
}

function checkCredentials(options: TokenClientOptions): ClientAuthMethod {
  const auth = oneOf(options.auth, 'auth', AUTH_METHODS) ?? (options.privateKey !== undefined ? 'private_key_jwt' : 'client_secret_basic')
  optionalText(options.clientSecret, 'clientSecret')
  optionalText(options.keyId, 'keyId')
  oneOf(options.alg, 'alg', ASSERTION_ALGS)
  const key = options.privateKey
  if (key !== undefined && typeof key !== 'string' && (typeof key !== 'object' || key === null)) fail('privateKey', 'a PEM string, a private JWK, a KeyObject or a CryptoKey')
  if (auth === 'private_key_jwt') {
    if (key === undefined) throw new TypeError(`tokenguard: ${WHERE} auth "private_key_jwt" needs privateKey`)
  } else if (options.clientSecret === undefined) {
    throw new TypeError(`tokenguard: ${WHERE} auth "${auth}" needs a non-empty clientSecret`)
  }
  return auth
}

/** Validates options and returns them resolved. */
export function resolveOptions(options: TokenClientOptions): ResolvedOptions {
  if (!isPlainObject(options)) throw new TypeError(`tokenguard: ${WHERE} needs an options object`)
  refuseUnknownOptions(options, OPTION_NAMES, WHERE)
  const clientId = optionalText(options.clientId, 'clientId') ?? fail('clientId', 'a non-empty string')
  if (options.allowInsecureHttp !== undefined && typeof options.allowInsecureHttp !== 'boolean') fail('allowInsecureHttp', 'true or false')
  const allowInsecureHttp = options.allowInsecureHttp === true
  checkEndpoints(options, allowInsecureHttp)
  const auth = checkCredentials(options)
  const assertionAudience = oneOf(options.assertionAudience, 'assertionAudience', ['token_endpoint', 'issuer'] as const) ?? 'token_endpoint'
  if (assertionAudience === 'issuer' && options.issuer === undefined) throw new TypeError(`tokenguard: ${WHERE} assertionAudience "issuer" requires issuer`)
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('fetch', 'a fetch-compatible function')
  const maxResponseSize = options.maxResponseSize ?? 512 * 1024
  if (!Number.isInteger(maxResponseSize) || maxResponseSize < 1024 || maxResponseSize > 64 * 1024 * 1024) {
    fail('maxResponseSize', `a number of bytes from 1024 (1 KiB) to 67108864 (64 MiB); got ${String(maxResponseSize)}`)
  }
  return {
    tokenEndpoint: options.tokenEndpoint,
    issuer: options.issuer,
    clientId,
    clientSecret: options.clientSecret,
    auth,
    privateKey: options.privateKey,
    keyId: options.keyId,
    alg: options.alg,
    assertionAudience,
    assertionLifetimeDuration: duration(options.assertionLifetimeDuration, 'assertionLifetimeDuration', 60_000, { min: 1000, max: 3_600_000 }),
    scope: checkScope(options.scope),
    audience: optionalText(options.audience, 'audience'),
    resource: normalizeResource(options.resource),
    extraParams: checkExtraParams(options.extraParams),
    bodyFormat: oneOf(options.bodyFormat, 'bodyFormat', ['form', 'json'] as const) ?? 'form',
    store: checkStore(options.store),
    timeoutDuration: duration(options.timeoutDuration, 'timeoutDuration', 10_000, { min: 100, max: 300_000 }),
    maxResponseSize,
    retry: resolveRetry(options.retry),
    refreshAheadDuration: duration(options.refreshAheadDuration, 'refreshAheadDuration', undefined, { min: 1000, max: 86_400_000, zero: true }),
    refreshJitterDuration: duration(options.refreshJitterDuration, 'refreshJitterDuration', undefined, { min: 1000, max: 3_600_000, zero: true }),
    fallbackLifetimeDuration: duration(options.fallbackLifetimeDuration, 'fallbackLifetimeDuration', 60_000, { min: 1000, max: 86_400_000 }),
    allowInsecureHttp,
    fetch: options.fetch,
    logger: checkLogger(options.logger),
    telemetry: checkTelemetry(options.telemetry, WHERE),
    audit: checkAudit(options.audit, WHERE),
  }
}

/** Names an override in messages: `token request overrides "scope"`. */
export const overrideLabel = (name: string) => `token request overrides ${JSON.stringify(name)}`

/** Per-call overrides, checked like options: unknown keys and wrong types are refused. */
export function checkOverrides(overrides: unknown): TokenRequestOverrides {
  if (overrides === undefined) return {}
  if (!isPlainObject(overrides)) throw new TypeError('tokenguard: token request overrides must be an object such as { scope: "read" }')
  refuseUnknownOptions(overrides, OVERRIDE_NAMES, 'token request overrides')
  if (overrides.forceRefresh !== undefined && typeof overrides.forceRefresh !== 'boolean') {
    throw new TypeError(`tokenguard: ${overrideLabel('forceRefresh')} must be true or false`)
  }
  return overrides as TokenRequestOverrides
}
