/**
 * Checks shared by the provider presets, with the same rules and messages as @tokenguard/core's presets:
 * a typo in a tenant id or domain is a `TypeError` when the preset is called, not a stream of failed token
 * requests. A scheme where a host is asked for is refused, not stripped.
 */
import { refuseUnknownOptions } from '../did-you-mean.js'
import type { TokenClientOptions } from '../options.js'
import { OPTION_NAMES } from '../validate.js'

/** What every preset sets itself; the remaining client options pass through. */
type PresetSet = 'tokenEndpoint' | 'issuer' | 'clientId' | 'clientSecret' | 'audience' | 'scope'

/** The client options a preset passes through unchanged (`auth`, `store`, `timeoutDuration`, …). */
export type CommonOptions = Omit<TokenClientOptions, PresetSet>

const PASSED_THROUGH = OPTION_NAMES.filter((name) => !['tokenEndpoint', 'issuer', 'clientId', 'clientSecret', 'audience', 'scope'].includes(name))

/**
 * Refuses a non-object and unknown keys (with "did you mean …?"); `own` are the preset's own option names,
 * `renamed` maps former names to current ones.
 */
export function checkPresetOptions(options: unknown, preset: string, own: readonly string[], renamed: Readonly<Record<string, string>> = {}): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`tokenguard: ${preset}() needs an options object`)
  refuseUnknownOptions(options, [...own, ...PASSED_THROUGH], `${preset}()`, renamed)
}

/** A non-empty string, or a `TypeError` naming the preset and the option. */
export function requireText(value: unknown, preset: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`tokenguard: ${preset}() needs "${name}" (a non-empty string)`)
  return value
}

/** A bare host name (and optional port), such as `my-tenant.eu.auth0.com`: no scheme, no path. */
export function requireHost(value: unknown, preset: string, name: string): string {
  const host = requireText(value, preset, name)
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) {
    throw new TypeError(`tokenguard: ${preset}() "${name}" must be a host name such as "example.com", without scheme or path`)
  }
  return host.toLowerCase()
}

/**
 * An absolute http(s) base URL without query, fragment or credentials, returned without its trailing slash
 * so that paths can be appended. Plain http is then refused by createTokenClient unless allowInsecureHttp.
 */
export function requireBaseUrl(value: unknown, preset: string, name: string): string {
  const text = requireText(value, preset, name)
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`tokenguard: ${preset}() "${name}" must be an absolute http(s) URL without query, fragment or credentials`)
  }
  return text.replace(/\/+$/, '')
}

/** `value` when absent, else checked to be a string or an array of strings (createTokenClient checks the rest). */
export function optionalScope(value: unknown, preset: string): string | readonly string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string'))) return value as string | string[]
  throw new TypeError(`tokenguard: ${preset}() "scope" must be a space-separated string or an array of strings`)
}
