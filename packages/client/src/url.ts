/**
 * URL checks: credentials are only ever sent over https, except to loopback
 * hosts (local development and tests) or when explicitly allowed.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** Validates an endpoint URL and returns its normalised string form. */
export function checkEndpointUrl(value: string, label: string, allowInsecureHttp: boolean): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`${label} must be an absolute URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${label} must be an http(s) URL`)
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new TypeError(`${label} must use https (set allowInsecureHttp to override for non-loopback hosts)`)
  }
  if (url.username || url.password) {
    throw new TypeError(`${label} must not contain credentials`)
  }
  if (url.hash) {
    throw new TypeError(`${label} must not contain a fragment`)
  }
  return url.href
}
