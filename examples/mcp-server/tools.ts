/**
 * The MCP server's tools, and the scope each one needs. The tools themselves know nothing of tokens: the
 * scope check happens at the HTTP layer (`tool-scopes.ts`) so that a missing scope is an HTTP 403 with a
 * challenge, as the MCP authorization spec asks, not a JSON-RPC error in a 200.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'

/** Scopes each tool needs; a tool not listed needs only a valid token. */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  list_orders: ['read:data'],
  cancel_order: ['write:data'],
})

/** Every scope this server understands, for `scopes_supported` in its resource metadata. */
export const SCOPES_SUPPORTED = ['read:data', 'write:data']

const ORDERS = [
  { id: 'ord-1001', item: 'keyboard', status: 'shipped' },
  { id: 'ord-1002', item: 'monitor', status: 'processing' },
  { id: 'ord-1003', item: 'cable', status: 'processing' },
]

/** A fresh MCP server with the tools registered (stateless mode: one per HTTP request). */
export function buildMcpServer(): McpServer {
  const server = new McpServer({ name: 'tokenguard-orders', version: '0.1.0' })
  server.registerTool(
    'list_orders',
    { description: 'Lists recent orders (needs read:data).', inputSchema: { limit: z.number().int().min(1).max(50).optional() } },
    async ({ limit }) => ({ content: [{ type: 'text', text: JSON.stringify(ORDERS.slice(0, limit ?? ORDERS.length)) }] }),
  )
  server.registerTool(
    'cancel_order',
    { description: 'Cancels an order (needs write:data).', inputSchema: { id: z.string().min(1) } },
    // `extra.authInfo` is what the HTTP layer verified: the tool can say who asked.
    async ({ id }, extra) => ({ content: [{ type: 'text', text: `order ${id} cancelled for client ${extra.authInfo?.clientId ?? 'unknown'}` }] }),
  )
  return server
}
