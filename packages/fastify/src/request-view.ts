/** The one place the Fastify adapter reads a request: the view core decides on, reading each part when core asks. */
import { SocketRequestView, type NodeRequestReader, type RequestView } from '@tokenguard/core/adapter'
import type { FastifyRequest } from 'fastify'

const FASTIFY_REQUEST: NodeRequestReader<FastifyRequest> = {
  method: (request) => request.method,
  url: (request) => request.url,
  message: (request) => request.raw,
  body: (request) => request.body,
  socket: (request) => request.raw.socket,
}

/** `route`: the request's route template (`/items/:id`), never the raw path; undefined for a request that matched no route. */
export function viewOf(request: FastifyRequest, route: string | undefined): RequestView {
  return new SocketRequestView(request, FASTIFY_REQUEST, route)
}
