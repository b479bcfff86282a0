/**
 * Certificate-bound access tokens (RFC 8705 §3): the token's `cnf["x5t#S256"]` must be the SHA-256 of the
 * DER client certificate of the TLS connection the request came on. Behind a TLS-terminating proxy, that
 * certificate comes from the proxy's `Client-Cert` header (RFC 9440), and only when the request came from a
 * proxy configured as trusted: from anyone else, that header is just text the client wrote.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9440#section-2
 */
import { base64url } from 'jose'
import type { ChallengeContext } from './challenge.js'
import { ConfigurationError, InvalidTokenError } from './errors.js'
import { headerValue, type RequestView } from './request.js'

/** Where client certificates come from. */
export interface CertificateSource {
  /** Lower-case name of the proxy header carrying the certificate (RFC 9440 `Client-Cert`), if any. */
  readonly header: string | undefined
  /** Whether the request's peer is a proxy allowed to set `header`. */
  readonly trusts: (remoteAddress: string | undefined) => boolean
}

// A certificate chain of a few KiB is normal; anything much longer is not a certificate.
const MAX_CERTIFICATE_HEADER_LENGTH = 16 * 1024
const SF_BINARY = /^:([A-Za-z0-9+/]+={0,2}):$/

/**
 * Refuses the request unless its client certificate's SHA-256 thumbprint equals `thumbprint`.
 *
 * @throws {InvalidTokenError} `certificate_missing` or `certificate_mismatch`.
 */
export async function assertCertificateBinding(view: RequestView | undefined, thumbprint: unknown, source: CertificateSource, challenge: ChallengeContext): Promise<void> {
  const certificate = view === undefined ? undefined : clientCertificate(view, source, challenge)
  if (certificate === undefined) {
    throw new InvalidTokenError({ ...challenge, reason: 'certificate_missing', detail: 'the token is certificate-bound (cnf x5t#S256) and the request has no client certificate' })
  }
  if (typeof thumbprint !== 'string' || (await certificateThumbprint(certificate)) !== thumbprint) {
    throw new InvalidTokenError({ ...challenge, reason: 'certificate_mismatch', detail: 'the client certificate is not the one the token is bound to (cnf x5t#S256)' })
  }
}

/** base64url SHA-256 of the DER certificate, as `x5t#S256` holds it. */
export async function certificateThumbprint(der: Uint8Array): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)))
}

/** The request's client certificate: the trusted proxy's header when configured and trusted, else the TLS connection's. */
function clientCertificate(view: RequestView, source: CertificateSource, challenge: ChallengeContext): Uint8Array | undefined {
  // A proxy's own connection may carry the proxy's certificate: from a trusted proxy, only its header counts.
  if (source.header !== undefined && source.trusts(view.remoteAddress)) return fromHeader(headerValue(view.headers, source.header), challenge)
  const certificate = view.peerCertificate
  return certificate instanceof Uint8Array && certificate.byteLength > 0 ? certificate : undefined
}

function fromHeader(value: string | string[] | undefined, challenge: ChallengeContext): Uint8Array | undefined {
  if (value === undefined) return undefined
  const text = Array.isArray(value) ? (value.length === 1 ? value[0]! : undefined) : value
  const match = text !== undefined && text.length <= MAX_CERTIFICATE_HEADER_LENGTH ? SF_BINARY.exec(text.trim()) : null
  if (match === null) {
    throw new InvalidTokenError({ ...challenge, reason: 'certificate_invalid', detail: 'the trusted proxy\'s client certificate header is not one RFC 9440 byte sequence (":base64 DER:")' })
  }
  const binary = atob(match[1]!)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * The proxies allowed to set the certificate header: exact addresses or IPv4 CIDR ranges (`10.0.0.0/8`).
 * IPv4-mapped IPv6 peers (`::ffff:10.0.0.1`) match their IPv4 form.
 */
export function proxyMatcher(trusted: readonly string[]): (remoteAddress: string | undefined) => boolean {
  const exact = new Set<string>()
  const ranges: Array<{ base: number; mask: number }> = []
  for (const entry of trusted) {
    const range = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry)
    if (range !== null) {
      const bits = Number(range[2])
      const base = ipv4ToNumber(range[1]!)
      if (base === undefined || bits > 32) throw new ConfigurationError('mtls.trustedProxies', `"mtls.trustedProxies" holds an invalid IPv4 range ${JSON.stringify(entry)}`)
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
      ranges.push({ base: (base & mask) >>> 0, mask })
    } else if (/^[0-9a-f:.]+$/i.test(entry) && (ipv4ToNumber(entry) !== undefined || entry.includes(':'))) {
      exact.add(entry.toLowerCase())
    } else {
      throw new ConfigurationError('mtls.trustedProxies', `"mtls.trustedProxies" entries must be IP addresses or IPv4 CIDR ranges; got ${JSON.stringify(entry)}`)
    }
  }
  return (remoteAddress) => {
    if (remoteAddress === undefined) return false
    const address = remoteAddress.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')
    if (exact.has(address)) return true
    const number = ipv4ToNumber(address)
    return number !== undefined && ranges.some((range) => ((number & range.mask) >>> 0) === range.base)
  }
}

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined
    value = value * 256 + Number(part)
  }
  return value
}
