/**
 * A complete tokenguard adapter for plain `node:http`, written against `@tokenguard/core/adapter` alone: build
 * the request view, ask the verifier for a decision, translate it. Koa, Hapi or an in-house framework look
 * the same. `protect(verifier, requirement, handler)` wraps one handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { nodeRequestReader, SocketRequestView, type AuthContext, type Decision, type RequestView, type RouteRequirement, type TokenGuardError, type Verifier } from '@tokenguard/core/adapter'

/** A handler that runs once the request is accepted; `auth` is `null` on an optional route without a token. */
export type ProtectedHandler = (req: IncomingMessage, res: ServerResponse, auth: AuthContext | null) => void

/** Options of {@link protect}: where each refusal is reported (default: nowhere). */
export interface ProtectOptions {
  onRefusal?: (error: TokenGuardError, req: IncomingMessage) => void
}

export function protect(verifier: Verifier, requirement: RouteRequirement | undefined, handler: ProtectedHandler, options: ProtectOptions = {}) {
  return function tokenguardProtect(req: IncomingMessage, res: ServerResponse): void {
    const decision = verifier.decide(viewOf(req), requirement)
    if (!(decision instanceof Promise)) return answer(decision, req, res, handler, options)
    decision.then((settled) => answer(settled, req, res, handler, options), () => res.writeHead(500).end())
  }
}

// Core's view of a Node request, each part read when core needs it: every Authorization header (a repeated one
// is refused), `req.body` if a body parser set it, and the TLS client certificate only when a certificate-bound
// token needs it (RFC 8705). No route template here: a router would pass it as the third argument.
function viewOf(req: IncomingMessage): RequestView {
  return new SocketRequestView(req, nodeRequestReader)
}

function answer(decision: Decision, req: IncomingMessage, res: ServerResponse, handler: ProtectedHandler, options: ProtectOptions): void {
  if (decision.outcome === 'accepted' && decision.headers !== undefined) for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value) // e.g. a fresh DPoP-Nonce
  if (decision.outcome !== 'refused') return handler(req, res, decision.auth)
  options.onRefusal?.(decision.error, req)
  res.writeHead(decision.error.status, { ...decision.error.headers, 'content-type': 'application/json' })
  res.end(JSON.stringify(decision.error.body))
}
