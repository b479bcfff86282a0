/**
 * The one place the Express adapter reads a request: the view core decides on, which reads each part of `req`
 * only when core asks for it (see core's `socket-request-view.ts` for why that matters in Express). The query
 * string is left to core (it parses `url` only when query tokens are enabled), so Express never parses it for
 * us. The route template is only known where Express matched a route: `authenticate()` on the route itself,
 * not `app.use()` before routing (metrics and audit events then carry no route, never the raw path).
 */
import { nodeRequestReader, SocketRequestView, type NodeRequestReader, type RequestView } from '@tokenguard/core/adapter'
import type { Request } from 'express'
import { routeOf } from './respond.js'

// Express' `req` is the IncomingMessage itself, with `originalUrl`: the usual reader, without asking `req` for a
// `raw` it does not have (one more read that misses, on every request), and the route Express matched.
const EXPRESS_REQUEST: NodeRequestReader<Request> = {
  ...nodeRequestReader,
  message: (req) => req,
  socket: (req) => req.socket,
  route: (req) => (req.route === undefined ? undefined : routeOf(req)),
}

export function viewOf(req: Request): RequestView {
  return new SocketRequestView(req, EXPRESS_REQUEST)
}
