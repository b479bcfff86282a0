/**
 * Example: an MCP server over Streamable HTTP, guarded by tokenguard per the MCP authorization spec.
 *
 * - RFC 9728 Protected Resource Metadata at `/.well-known/oauth-protected-resource/mcp`, naming the
 *   authorization server; every challenge carries `resource_metadata="…"` pointing at it.
 * - Tokens only in the `Authorization` header (never the query string); their audience must be this
 *   server's URL (RFC 8707: clients ask for it with `resource=`).
 * - No or bad token: 401. Token without the tool's scope: 403 `insufficient_scope` with `scope="…"`.
 *
 *   ISSUER=https://id.example.com RESOURCE=https://mcp.example.com/mcp PORT=3000 node build/examples/mcp-server/server.js
 *
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
 */
import type { IncomingMessage } from 'node:http'
import { pathToFileURL } from 'node:url'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { createVerifier, isTokenGuardError, resourceMetadataUrl, type AuthContext } from '@tokenguard/core'
import { authenticate, protectedResourceMetadata } from '@tokenguard/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import { requireToolScopes } from './tool-scopes.js'
import { buildMcpServer, SCOPES_SUPPORTED, TOOL_SCOPES } from './tools.js'

export interface McpServerOptions {
  /** The authorization server's issuer identifier. */
  issuer: string
  /** This MCP server's canonical URL (its endpoint), e.g. `https://mcp.example.com/mcp`: the token audience. */
  resource: string
  /** Plain-http issuer on 127.0.0.1 (tests); never in production. */
  allowInsecureHttp?: boolean
}

/** Builds the Express app: metadata (public), then POST /mcp behind authentication and tool scopes. */
export function createMcpApp({ issuer, resource, allowInsecureHttp }: McpServerOptions) {
  const verifier = createVerifier({ issuer, audience: resource, allowInsecureHttp, resourceMetadata: resourceMetadataUrl(resource) })
  const endpoint = new URL(resource).pathname
  const app = express()
  app.use(protectedResourceMetadata({ verifier, resource, scopesSupported: SCOPES_SUPPORTED, resourceName: 'tokenguard orders (MCP example)' }))
  app.all(endpoint, authenticate({ verifier }))
  app.post(endpoint, express.json(), requireToolScopes(TOOL_SCOPES), handleMcp(resource))
  // Stateless Streamable HTTP: no server-initiated stream (GET) and no session to end (DELETE).
  app.all(endpoint, (_req, res) => void res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed' }, id: null }))
  app.use(answerRefusals)
  return { app, verifier }
}

/** One MCP server and transport per request (stateless mode), given the verified token. */
function handleMcp(resource: string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const server = buildMcpServer()
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    try {
      await server.connect(transport)
      // The SDK reads `req.auth` as its own AuthInfo: hand it one made from tokenguard's verified token.
      const sdkRequest = Object.assign(req, { auth: toAuthInfo(req.auth!, resource) }) as unknown as IncomingMessage & { auth: AuthInfo }
      await transport.handleRequest(sdkRequest, res, req.body)
    } catch (error) {
      next(error)
    }
  }
}

function toAuthInfo(auth: AuthContext<object>, resource: string): AuthInfo {
  const clientId = auth.claims.client_id ?? auth.claims.azp ?? auth.claims.sub ?? ''
  return { token: auth.token, clientId: String(clientId), scopes: [...auth.scopes], expiresAt: auth.claims.exp, resource: new URL(resource), extra: { claims: auth.claims } }
}

/** Refusals as JSON with their status and `WWW-Authenticate`; anything else is a 500 in JSON-RPC form. */
function answerRefusals(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error)
  if (isTokenGuardError(error)) {
    res.status(error.status).set(error.headers).json({ error: error.code, error_description: error.message })
    return
  }
  res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { app, verifier } = createMcpApp({ issuer: required('ISSUER'), resource: required('RESOURCE') })
  await verifier.ready()
  const port = Number(process.env.PORT ?? 3000)
  app.listen(port, '127.0.0.1', () => console.log(`MCP server on http://127.0.0.1:${port}${new URL(required('RESOURCE')).pathname}`))
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`set ${name}`)
  return value
}
