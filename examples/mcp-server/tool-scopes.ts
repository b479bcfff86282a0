/**
 * Per-tool scopes at the HTTP layer: a `tools/call` whose tool needs scopes the token lacks is refused
 * with 403 `insufficient_scope`, `scope="…"` and `resource_metadata="…"` (MCP authorization, "Scope
 * challenge handling"), before the MCP server sees it. Runs after `authenticate()` and `express.json()`.
 */
import { requireScopes } from '@tokenguard/express'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

interface ToolCall {
  method: 'tools/call'
  params: { name: string }
}

/** A guard over the JSON-RPC body: one message, or a batch (older protocol versions). */
export function requireToolScopes(toolScopes: Readonly<Record<string, readonly string[]>>): RequestHandler {
  // Compiled once per tool; a batch that calls several tools compiles their union.
  const guards = new Map(Object.entries(toolScopes).map(([tool, scopes]) => [tool, requireScopes(...scopes)]))
  return function tokenguardToolScopes(req: Request, res: Response, next: NextFunction): void {
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body]
    const tools = [...new Set(messages.filter(isToolCall).map((call) => call.params.name))].filter((tool) => guards.has(tool))
    if (tools.length === 0) return next()
    const guard = tools.length === 1 ? guards.get(tools[0]!)! : requireScopes(...new Set(tools.flatMap((tool) => toolScopes[tool]!)))
    guard(req, res, next)
  }
}

function isToolCall(message: unknown): message is ToolCall {
  if (typeof message !== 'object' || message === null) return false
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } }
  return method === 'tools/call' && typeof params === 'object' && params !== null && typeof params.name === 'string'
}
