/**
 * Per-tool scopes at the HTTP layer: a `tools/call` whose tool needs scopes the token lacks is refused
 * with 403 `insufficient_scope`, `scope="…"` and `resource_metadata="…"` (MCP authorization, "Scope
 * challenge handling"), before the MCP server sees it. Runs after `tokenguard()`; Hono keeps the parsed
 * body for the handler.
 */
import { requireScopes } from '@tokenguard/hono'
import type { MiddlewareHandler } from 'hono'

interface ToolCall {
  method: 'tools/call'
  params: { name: string }
}

/** A guard over the JSON-RPC body: one message, or a batch (older protocol versions). */
export function requireToolScopes(toolScopes: Readonly<Record<string, readonly string[]>>): MiddlewareHandler {
  // Compiled once per tool; a batch that calls several tools compiles their union.
  const guards = new Map(Object.entries(toolScopes).map(([tool, scopes]) => [tool, requireScopes(...scopes)]))
  return async function tokenguardToolScopes(c, next) {
    const body: unknown = await c.req.json().catch(() => undefined)
    const messages: unknown[] = Array.isArray(body) ? body : [body]
    const tools = [...new Set(messages.filter(isToolCall).map((call) => call.params.name))].filter((tool) => guards.has(tool))
    if (tools.length === 0) return next()
    const guard = tools.length === 1 ? guards.get(tools[0]!)! : requireScopes(...new Set(tools.flatMap((tool) => toolScopes[tool]!)))
    return guard(c, next)
  }
}

function isToolCall(message: unknown): message is ToolCall {
  if (typeof message !== 'object' || message === null) return false
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } }
  return method === 'tools/call' && typeof params === 'object' && params !== null && typeof params.name === 'string'
}
