/**
 * Example: an MCP server over Streamable HTTP on Hono, guarded by tokenguard per the MCP authorization
 * spec — the same server as `examples/mcp-server` (same tools, same scopes), written for the Fetch API:
 * nothing here imports from `node:`, so this module runs on Cloudflare Workers, Deno and Bun as it is
 * (`export default app`), and on Node through `@hono/node-server` (`server.ts`).
 *
 * - RFC 9728 Protected Resource Metadata at `/.well-known/oauth-protected-resource/mcp`, naming the
 *   authorization server; every challenge carries `resource_metadata="…"` pointing at it.
 * - Tokens only in the `Authorization` header; their audience must be this server's URL (RFC 8707).
 * - No or bad token: 401. Token without the tool's scope: 403 `insufficient_scope` with `scope="…"`.
 *
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { createVerifier, protectedResourceMetadata, resourceMetadataUrl, tokenguard, type AuthContext, type Verifier } from '@tokenguard/hono'
import { Hono } from 'hono'
import { buildMcpServer, SCOPES_SUPPORTED, TOOL_SCOPES } from '../mcp-server/tools.js'
import { requireToolScopes } from './tool-scopes.js'

export interface McpHonoOptions {
  /** The authorization server's issuer identifier. */
  issuer: string
  /** This MCP server's canonical URL (its endpoint), e.g. `https://mcp.example.com/mcp`: the token audience. */
  resource: string
  /** Plain-http issuer on 127.0.0.1 (tests); never in production. */
  allowInsecureHttp?: boolean
}

/** Builds the Hono app: metadata (public), then the MCP endpoint behind authentication and tool scopes. */
export function createMcpHonoApp({ issuer, resource, allowInsecureHttp }: McpHonoOptions): { app: Hono; verifier: Verifier } {
  const verifier = createVerifier({ issuer, audience: resource, allowInsecureHttp, resourceMetadata: resourceMetadataUrl(resource) })
  const endpoint = new URL(resource).pathname
  const app = new Hono()
  app.use(protectedResourceMetadata({ verifier, resource, scopesSupported: SCOPES_SUPPORTED, resourceName: 'tokenguard orders (MCP example on Hono)' }))
  app.use(endpoint, tokenguard({ verifier }))
  app.post(endpoint, requireToolScopes(TOOL_SCOPES), async (c) => {
    // One MCP server and transport per request (stateless mode), given the verified token.
    const parsedBody: unknown = await c.req.json().catch(() => undefined)
    if (parsedBody === undefined) return c.json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }, 400)
    const server = buildMcpServer()
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    await server.connect(transport)
    return transport.handleRequest(c.req.raw, { parsedBody, authInfo: toAuthInfo(c.get('auth')!, resource) })
  })
  // Stateless Streamable HTTP: no server-initiated stream (GET) and no session to end (DELETE).
  app.all(endpoint, (c) => c.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed' }, id: null }, 405, { Allow: 'POST' }))
  return { app, verifier }
}

function toAuthInfo(auth: AuthContext<object>, resource: string): AuthInfo {
  const clientId = auth.claims.client_id ?? auth.claims.azp ?? auth.claims.sub ?? ''
  return { token: auth.token, clientId: String(clientId), scopes: [...auth.scopes], expiresAt: auth.claims.exp, resource: new URL(resource), extra: { claims: auth.claims } }
}
