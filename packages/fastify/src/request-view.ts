/** The one place the Fastify adapter reads a request: the view core decides on. */
import { SocketRequestView, type RequestView } from '@tokenguard/core/adapter'
import type { FastifyRequest } from 'fastify'

export function viewOf(request: FastifyRequest): RequestView {
  // The route is the template (`/items/:id`), never the raw path; undefined for a request that matched no route.
  return new SocketRequestView(request.method, request.url, request.raw, request.body, request.is404 ? undefined : request.routeOptions.url, request.raw.socket)
}
