/**
 * URL checks: credentials are only ever sent over https, except to loopback hosts (local development and
 * tests) or when `allowInsecureHttp: true` says so.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/**
 * Validates an endpoint URL and returns its normalised string form. `label` names it in messages, e.g.
 * `createTokenClient() "tokenEndpoint"`.
 */
export function checkEndpointUrl(value: string, label: string, allowInsecureHttp: boolean): string {
  if (!URL.canParse(value)) throw new TypeError(`tokenguard: ${label} must be an absolute URL`)
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`tokenguard: ${label} must be an https URL`)
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new TypeError(`tokenguard: ${label} must use https; plain http to a non-loopback host (never in production) needs allowInsecureHttp: true`)
  }
  if (url.username || url.password) throw new TypeError(`tokenguard: ${label} must not contain credentials`)
  if (url.hash || value.includes('#')) throw new TypeError(`tokenguard: ${label} must not contain a fragment`)
  return url.href
}
