/**
 * The one place the Express adapter reads a request: the view core decides on. The query string is left to
 * core (it parses `url` only when query tokens are enabled), so Express never parses it for us. The route
 * template is only known where Express matched a route: `authenticate()` on the route itself, not `app.use()`
 * before routing (metrics and audit events then carry no route, never the raw path).
 */
import type { RequestView } from '@tokenguard/core/adapter'
import type { Request } from 'express'
import { routeOf } from './respond.js'

export function viewOf(req: Request): RequestView {
  return {
    method: req.method,
    url: req.originalUrl,
    headers: req.headers,
    body: req.body,
    encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
    remoteAddress: req.socket.remoteAddress,
    route: req.route === undefined ? undefined : routeOf(req),
  }
}
