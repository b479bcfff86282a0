/**
 * The one place the Express adapter reads a request: the view core decides on. The query string is left to
 * core (it parses `url` only when query tokens are enabled), so Express never parses it for us.
 */
import { peerCertificateOf, type RequestView } from '@tokenguard/core/adapter'
import type { Request } from 'express'

export function viewOf(req: Request): RequestView {
  return {
    method: req.method,
    url: req.originalUrl,
    headers: req.headers,
    body: req.body,
    encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
    remoteAddress: req.socket.remoteAddress,
    // Read only for certificate-bound tokens: building the certificate object costs on every other request.
    get peerCertificate() { return peerCertificateOf(req.socket) },
  }
}
