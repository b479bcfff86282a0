/**
 * The MCP examples end to end — on Express (`examples/mcp-server`) and on Hono (`examples/mcp-hono`, the
 * Fetch API build, served on Node by `@hono/node-server`): a real authorization server (oidc-provider, RFC 8707 audience = the MCP
 * server's URL), the example MCP server over Streamable HTTP, and the SDK's own MCP client with the token
 * in the `Authorization` header. Checks what the MCP authorization spec asks of a server: RFC 9728
 * metadata naming the authorization server, 401 with `resource_metadata`, 403 `insufficient_scope` with
 * `scope` and `resource_metadata`, audience bound to this server, no tokens from the query string.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { getRequestListener } from '@hono/node-server'
import type { Verifier } from '@tokenguard/core'
import { createMcpHonoApp } from '../../examples/mcp-hono/app.js'
import { createMcpApp } from '../../examples/mcp-server/server.js'
import { assertRefusal, parseChallenge } from '../support/challenge.js'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'

const OTHER_RESOURCE = 'https://other-api.tokenguard.test'

type Mount = (options: { issuer: string; resource: string; allowInsecureHttp: boolean }) => { listener: RequestListener; verifier: Verifier }

const onExpress: Mount = (options) => {
  const { app, verifier } = createMcpApp(options)
  return { listener: app, verifier }
}

const onHono: Mount = (options) => {
  const { app, verifier } = createMcpHonoApp(options)
  return { listener: getRequestListener(app.fetch), verifier }
}

const EXAMPLES: ReadonlyArray<{ name: string; mount: Mount }> = [
  { name: 'Express', mount: onExpress },
  { name: 'Hono', mount: onHono },
]

for (const { name, mount } of EXAMPLES) {
  describe(`MCP server example on ${name} (Streamable HTTP, MCP authorization)`, () => {
    let server: Server
    let as: AuthServer
    let resource: string
    let metadataUrl: string

    before(async () => {
      // Listen first: the server's URL is the resource the authorization server must issue tokens for.
      server = createServer()
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resource = `${origin}/mcp`
      metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`
      as = await startAuthServer({ resource, extraResources: [OTHER_RESOURCE] })
      const { listener, verifier } = mount({ issuer: as.issuer, resource, allowInsecureHttp: true })
      await verifier.ready()
      server.on('request', listener)
    })
    after(async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await as.close()
    })

    /**
     * The SDK's client over the SDK's transport; the status and headers of every response it receives are
     * recorded (not the body: cloning an event stream would hold it open).
     */
    async function connect(token: string | undefined) {
      const responses: Response[] = []
      const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, init)
        responses.push(new Response(null, { status: response.status, headers: response.headers }))
        return response
      }
      const transport = new StreamableHTTPClientTransport(new URL(resource), {
        fetch: recordingFetch,
        ...(token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
      })
      const client = new Client({ name: 'tokenguard-test-client', version: '0.0.0' })
      return { client, transport, responses, lastPost: () => responses.findLast((response) => response.status !== 405)! }
    }

    test('the metadata document names the authorization server (found the way MCP clients find it)', async () => {
      const metadata = await discoverOAuthProtectedResourceMetadata(resource)
      assert.equal(metadata.resource, resource)
      assert.deepEqual(metadata.authorization_servers, [as.issuer])
      assert.deepEqual(metadata.scopes_supported, ['read:data', 'write:data'])
      assert.deepEqual(metadata.bearer_methods_supported, ['header'])
    })

    test('without a token the client gets 401 and a challenge pointing at the metadata', async () => {
      const { client, transport, lastPost } = await connect(undefined)
      await assert.rejects(client.connect(transport), (error: unknown) => error instanceof StreamableHTTPError && error.code === 401)
      const response = lastPost()
      const challenge = assertRefusal(response, 401, null, 'no token')
      assert.deepEqual(challenge?.params, { resource_metadata: metadataUrl })
      // …and the SDK's own parser reads the same URL out of it.
      assert.equal(extractWWWAuthenticateParams(response).resourceMetadataUrl?.href, metadataUrl)
    })

    test('with a valid token the client lists and calls tools', async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data write:data', resource })
      const { client, transport } = await connect(token)
      await client.connect(transport)
      try {
        const { tools } = await client.listTools()
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['cancel_order', 'list_orders'])
        const listed = await client.callTool({ name: 'list_orders', arguments: { limit: 2 } })
        const orders = JSON.parse((listed.content as Array<{ text: string }>)[0]!.text) as Array<{ id: string }>
        assert.deepEqual(orders.map((order) => order.id), ['ord-1001', 'ord-1002'])
        const cancelled = await client.callTool({ name: 'cancel_order', arguments: { id: 'ord-1002' } })
        // The tool saw the verified token's client: tokenguard's result reached the SDK's authInfo.
        assert.equal((cancelled.content as Array<{ text: string }>)[0]!.text, 'order ord-1002 cancelled for client read-write-client')
      } finally {
        await client.close()
      }
    })

    test('a token without the tool\'s scope gets 403 insufficient_scope naming it', async () => {
      const token = await as.requestToken('readOnly', { scope: 'read:data', resource })
      const { client, transport, lastPost } = await connect(token)
      await client.connect(transport)
      try {
        await client.callTool({ name: 'list_orders', arguments: {} })
        await assert.rejects(client.callTool({ name: 'cancel_order', arguments: { id: 'ord-1001' } }), (error: unknown) => error instanceof StreamableHTTPError && error.code === 403)
        const challenge = assertRefusal(lastPost(), 403, 'insufficient_scope', 'read-only token')
        assert.equal(challenge?.params.scope, 'write:data')
        assert.equal(challenge?.params.resource_metadata, metadataUrl)
      } finally {
        await client.close()
      }
    })

    test('a token issued for another resource is refused (audience = this server)', async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data', resource: OTHER_RESOURCE })
      const { client, transport, lastPost } = await connect(token)
      await assert.rejects(client.connect(transport), (error: unknown) => error instanceof StreamableHTTPError && error.code === 401)
      const challenge = assertRefusal(lastPost(), 401, 'invalid_token', 'other audience')
      assert.equal(challenge?.params.resource_metadata, metadataUrl)
    })

    test('a token in the query string is not a credential', async () => {
      const token = await as.requestToken('readWrite', { scope: 'read:data', resource })
      const response = await fetch(`${resource}?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      })
      assert.equal(response.status, 401)
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).params.error, undefined)
      await response.arrayBuffer()
    })
  })
}
