/**
 * Reading the TLS client certificate of a connection for the request view, without importing `node:tls`:
 * anything with Node's `getPeerCertificate()` (a `TLSSocket`) answers its DER bytes; a plain socket, none.
 */

interface CertificateSocket {
  getPeerCertificate?: (detailed?: boolean) => { raw?: Uint8Array } | null | undefined
}

/** The DER bytes of the peer's certificate on `socket` (RFC 8705), or `undefined` when it presented none. */
export function peerCertificateOf(socket: unknown): Uint8Array | undefined {
  const getPeerCertificate = (socket as CertificateSocket | null | undefined)?.getPeerCertificate
  if (typeof getPeerCertificate !== 'function') return undefined
  const raw = getPeerCertificate.call(socket, false)?.raw
  return raw instanceof Uint8Array && raw.byteLength > 0 ? raw : undefined
}
