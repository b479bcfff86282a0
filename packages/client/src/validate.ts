/**
 * Validation of TokenClientOptions at construction time. Messages never
 * include secret values.
 */
import type { ClientAuthMethod } from './client-auth.js'
import { isDPoPKey } from './dpop-key.js'
import type { TokenClientOptions } from './options.js'
import { checkEndpointUrl } from './url.js'

/** Parameters that extraParams must not set (they have their own options). */
const RESERVED_PARAMS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'audience',
  'resource',
])

const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']

function checkDuration(name: string, value: number | undefined, allowZero: boolean): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds`)
  }
}

/** Normalises resource indicator(s) and checks them (RFC 8707: absolute URI, no fragment). */
export function normalizeResource(resource: string | readonly string[] | undefined): readonly string[] | undefined {
  if (resource === undefined) return undefined
  const list = typeof resource === 'string' ? [resource] : [...resource]
  if (list.length === 0) return undefined
  for (const value of list) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new TypeError(`resource ${JSON.stringify(value)} must be an absolute URI`)
    }
    if (url.hash || value.includes('#')) throw new TypeError(`resource ${JSON.stringify(value)} must not contain a fragment`)
  }
  return [...new Set(list)].sort()
}

/** Validates options and returns the effective client authentication method. */
export function validateOptions(options: TokenClientOptions): ClientAuthMethod {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('clientId must be a non-empty string')
  }
  const insecure = options.allowInsecureHttp === true
  if (options.tokenEndpoint === undefined && options.issuer === undefined) {
    throw new TypeError('either tokenEndpoint or issuer is required')
  }
  if (options.tokenEndpoint !== undefined) checkEndpointUrl(options.tokenEndpoint, 'tokenEndpoint', insecure)
  if (options.issuer !== undefined) {
    const href = checkEndpointUrl(options.issuer, 'issuer', insecure)
    if (new URL(href).search) throw new TypeError('issuer must not contain a query')
  }
  const auth = options.auth ?? (options.privateKey !== undefined ? 'private_key_jwt' : 'client_secret_basic')
  if (!AUTH_METHODS.includes(auth)) {
    throw new TypeError(`auth must be one of ${AUTH_METHODS.join(', ')}`)
  }
  if (auth === 'private_key_jwt') {
    if (options.privateKey === undefined) throw new TypeError('auth private_key_jwt requires privateKey')
  } else if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
    throw new TypeError(`auth ${auth} requires a non-empty clientSecret`)
  }
  if (options.assertionAudience === 'issuer' && options.issuer === undefined) {
    throw new TypeError('assertionAudience "issuer" requires issuer')
  }
  for (const key of Object.keys(options.extraParams ?? {})) {
    if (RESERVED_PARAMS.has(key)) {
      throw new TypeError(`extraParams must not set "${key}"; use the dedicated option`)
    }
  }
  for (const [key, value] of Object.entries(options.extraParams ?? {})) {
    if (typeof value !== 'string') throw new TypeError(`extraParams.${key} must be a string`)
  }
  if (options.bodyFormat !== undefined && options.bodyFormat !== 'form' && options.bodyFormat !== 'json') {
    throw new TypeError('bodyFormat must be "form" or "json"')
  }
  checkDuration('timeoutDuration', options.timeoutDuration, false)
  checkDuration('refreshAheadDuration', options.refreshAheadDuration, true)
  checkDuration('refreshJitterDuration', options.refreshJitterDuration, true)
  checkDuration('fallbackLifetimeDuration', options.fallbackLifetimeDuration, false)
  checkDuration('assertionLifetimeDuration', options.assertionLifetimeDuration, false)
  normalizeResource(options.resource)
  if (options.dpop !== undefined && options.dpop !== true && !isDPoPKey(options.dpop)) throw new TypeError('dpop must be true or a key from generateDPoPKey() / importDPoPKey()')
  return auth
}
