/**
 * The one place the Nest adapter reads a request: Express' `req` or Fastify's `request` (whose Node request
 * is `raw`), whichever platform the application runs on. Nest has parsed the body before guards run.
 */
import { peerCertificateOf, type RequestView } from '@tokenguard/core/adapter'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/** The parts of an Express request, or of a Fastify request (whose Node request is `raw`), the view is made of. */
export type PlatformRequest = { method: string; url: string; originalUrl?: string; headers: IncomingHttpHeaders; body?: unknown; raw?: IncomingMessage; socket?: IncomingMessage['socket'] }

export function viewOf(request: PlatformRequest, route: string): RequestView {
  const socket = (request.raw ?? request).socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined
  // The certificate is read only for certificate-bound tokens (RFC 8705): building it costs on every other request.
  return Object.defineProperty<RequestView>({ method: request.method, url: request.originalUrl ?? request.url, headers: request.headers, body: request.body, encrypted: socket?.encrypted === true, remoteAddress: socket?.remoteAddress, route }, 'peerCertificate', { get: () => peerCertificateOf(socket), enumerable: true })
}
