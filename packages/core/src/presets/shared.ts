/**
 * Small checks shared by the provider presets. Presets validate their own inputs when called, so that a
 * typo in a tenant id or domain is a `TypeError` at startup, not a stream of 401s.
 */

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
 * An absolute http(s) base URL without query or fragment, returned without its trailing slash so that
 * paths can be appended. Used for the base URL overrides (a local conformance issuer, a national cloud, a
 * self-hosted server).
 */
export function requireBaseUrl(value: unknown, preset: string, name: string): string {
  const text = requireText(value, preset, name)
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`tokenguard: ${preset}() "${name}" must be an absolute http(s) URL without query, fragment or credentials`)
  }
  return text.replace(/\/+$/, '')
}

/** The audience option as given, after checking it is a non-empty string or array of non-empty strings. */
export function requireAudience(value: unknown, preset: string, name = 'audience'): string | readonly string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new TypeError(`tokenguard: ${preset}() needs "${name}" (a non-empty string or array of strings)`)
  }
  return typeof value === 'string' ? value : Object.freeze([...(value as string[])])
}
