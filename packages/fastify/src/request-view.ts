/** The one place the Fastify adapter reads a request: the view core decides on, reading each part when core asks. */
import { nodeRequestReader, SocketRequestView, type NodeRequestReader, type RequestView } from '@tokenguard/core/adapter'
import type { FastifyRequest } from 'fastify'

// The Node request is `raw`; the target is `url`, as routed (after the application's rewriteUrl, if any).
const FASTIFY_REQUEST: NodeRequestReader<FastifyRequest> = { ...nodeRequestReader, url: (request) => request.url }

/** `route`: the request's route template (`/items/:id`), never the raw path; undefined for a request that matched no route. */
export function viewOf(request: FastifyRequest, route: string | undefined): RequestView {
  return new SocketRequestView(request, FASTIFY_REQUEST, route)
}
