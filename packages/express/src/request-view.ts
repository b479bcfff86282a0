/**
 * The one place the Express adapter reads a request: the view core decides on. The query string is left to
 * core (it parses `url` only when query tokens are enabled), so Express never parses it for us. The route
 * template is only known where Express matched a route: `authenticate()` on the route itself, not `app.use()`
 * before routing (metrics and audit events then carry no route, never the raw path).
 */
import { SocketRequestView, type RequestView } from '@tokenguard/core/adapter'
import type { Request } from 'express'
import { routeOf } from './respond.js'

export function viewOf(req: Request): RequestView {
  return new SocketRequestView(req.method, req.originalUrl, req, req.body, req.route === undefined ? undefined : routeOf(req), req.socket)
}
