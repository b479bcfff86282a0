/**
 * The Hono MCP example on Node, through `@hono/node-server`. On Workers, Deno or Bun, export the app's
 * `fetch` instead (see README.md).
 *
 *   ISSUER=https://id.example.com RESOURCE=http://127.0.0.1:3000/mcp PORT=3000 node build/examples/mcp-hono/server.js
 */
import { serve } from '@hono/node-server'
import { createMcpHonoApp } from './app.js'

const { app, verifier } = createMcpHonoApp({ issuer: required('ISSUER'), resource: required('RESOURCE') })
await verifier.ready()
const port = Number(process.env.PORT ?? 3000)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`MCP server on http://127.0.0.1:${port}${new URL(required('RESOURCE')).pathname}`))

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`set ${name}`)
  return value
}
