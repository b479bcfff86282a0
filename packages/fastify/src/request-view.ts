/** The one place the Fastify adapter reads a request: the view core decides on. */
import { SocketRequestView, type RequestView } from '@tokenguard/core/adapter'
import type { FastifyRequest } from 'fastify'

/** `route`: the request's route template (`/items/:id`), never the raw path; undefined for a request that matched no route. */
export function viewOf(request: FastifyRequest, route: string | undefined): RequestView {
  return new SocketRequestView(request.method, request.url, request.raw, request.body, route, request.raw.socket)
}
