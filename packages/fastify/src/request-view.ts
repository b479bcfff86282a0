/** The one place the Fastify adapter reads a request: the view core decides on. */
import type { RequestView } from '@tokenguard/core/adapter'
import type { FastifyRequest } from 'fastify'

export function viewOf(request: FastifyRequest): RequestView {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
    encrypted: (request.raw.socket as { encrypted?: boolean }).encrypted === true,
    remoteAddress: request.raw.socket.remoteAddress,
    // The template (`/items/:id`), never the raw path; undefined for a request that matched no route.
    route: request.is404 ? undefined : request.routeOptions.url,
  }
}
