/**
 * Small checks shared by the provider presets. Presets validate their own inputs when called, so that a
 * typo in a tenant id or domain, an unknown option or a plain-http URL is a {@link ConfigurationError} at
 * startup, not a stream of 401s.
 */
import { ConfigurationError } from '../errors.js'
import { assertKnownKeys } from '../option-keys.js'
import type { VerifierOptions } from '../options.js'

/** Every preset takes this switch, for a local conformance issuer on 127.0.0.1 in tests. */
export interface InsecureHttpOption {
  /**
   * Accept a plain-`http` base URL override (and pass `allowInsecureHttp: true` on to the verifier), for a
   * local issuer in tests. Never in production. Default is `false`.
   */
  allowInsecureHttp?: boolean | undefined
}

/** Refuses unknown option keys of preset `preset` (with a suggestion), and anything that is not an object. */
export function assertPresetOptions(options: unknown, preset: string, allowed: readonly string[]): asserts options is Record<string, unknown> {
  assertKnownKeys(options, [...allowed, 'allowInsecureHttp'], `${preset}() options`)
  const insecure = options.allowInsecureHttp
  if (insecure !== undefined && typeof insecure !== 'boolean') throw new ConfigurationError('allowInsecureHttp', `${preset}() "allowInsecureHttp" must be true or false`)
}

/** The verifier options every preset returns: the algorithms its provider signs with, and the http switch when set. */
export function presetResult(options: VerifierOptions, algorithms: readonly string[], allowInsecureHttp: unknown): VerifierOptions {
  return { ...options, algorithms: Object.freeze([...algorithms]), ...(allowInsecureHttp === true ? { allowInsecureHttp: true } : {}) }
}

/** A non-empty string, or a `ConfigurationError` naming the preset and the option. */
export function requireText(value: unknown, preset: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigurationError(name, `${preset}() needs "${name}" (a non-empty string)`)
  return value
}

/** A bare host name (and optional port), such as `my-tenant.eu.auth0.com`: no scheme, no path. */
export function requireHost(value: unknown, preset: string, name: string): string {
  const host = requireText(value, preset, name)
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) {
    throw new ConfigurationError(name, `${preset}() "${name}" must be a host name such as "example.com", without scheme or path`)
  }
  return host.toLowerCase()
}

/**
 * An absolute `https` base URL without query, fragment or credentials (`http` only with
 * `allowInsecureHttp`), returned without its trailing slash so that paths can be appended. Used for the
 * base URL overrides (a local conformance issuer, a national cloud, a self-hosted server).
 */
export function requireBaseUrl(value: unknown, preset: string, name: string, allowInsecureHttp: unknown): string {
  const text = requireText(value, preset, name)
  const url = /^https?:\/\//i.test(text) && URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || text.includes('?') || text.includes('#') || url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(text)) {
    throw new ConfigurationError(name, `${preset}() "${name}" must be an absolute https URL without query, fragment or credentials`)
  }
  if (url.protocol === 'http:' && allowInsecureHttp !== true) {
    throw new ConfigurationError(name, `${preset}() "${name}" must use https; got ${JSON.stringify(text)} (set allowInsecureHttp: true only for local tests)`)
  }
  return text.replace(/\/+$/, '')
}

/** The audience option as given, after checking it is a non-empty string or array of non-empty strings. */
export function requireAudience(value: unknown, preset: string, name = 'audience'): string | readonly string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new ConfigurationError(name, `${preset}() needs "${name}" (a non-empty string or array of strings)`)
  }
  return typeof value === 'string' ? value : Object.freeze([...(value as string[])])
}
