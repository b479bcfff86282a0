/**
 * The one place the Nest adapter reads a request: Express' `req` or Fastify's `request` (whose Node request
 * is `raw`), whichever platform the application runs on. Nest has parsed the body before guards run.
 */
import { SocketRequestView, type NodeRequestReader, type RequestView } from '@tokenguard/core/adapter'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/** The parts of an Express request, or of a Fastify request (whose Node request is `raw`), the view is made of. */
export type PlatformRequest = { method: string; url: string; originalUrl?: string; headers: IncomingHttpHeaders; body?: unknown; raw?: IncomingMessage; socket?: IncomingMessage['socket'] }

const nodeRequestOf = (request: PlatformRequest): IncomingMessage => request.raw ?? (request as unknown as IncomingMessage)

const PLATFORM_REQUEST: NodeRequestReader<PlatformRequest> = {
  method: (request) => request.method,
  url: (request) => request.originalUrl ?? request.url,
  message: nodeRequestOf,
  body: (request) => request.body,
  socket: (request) => nodeRequestOf(request).socket,
}

export function viewOf(request: PlatformRequest, route: string): RequestView {
  return new SocketRequestView(request, PLATFORM_REQUEST, route)
}
