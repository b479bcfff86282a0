/**
 * `npm run demo`: the whole Client Credentials flow on this machine, end to end.
 *
 * 1. starts a real authorization server (oidc-provider) on 127.0.0.1 with two clients: `read-write-client`
 *    (read:data write:data, client_secret_basic) and `read-only-client` (read:data, client_secret_post),
 *    issuing RFC 9068 JWT access tokens for the API's resource indicator;
 * 2. starts the example Express API and the example Fastify API, both protected by tokenguard;
 * 3. gets tokens with @tokenguard/client (cached until shortly before expiry) and calls both APIs;
 * 4. prints what happened and exits 0 only if every answer was the expected one.
 */
import { createTokenClient, type TokenClient } from '@tokenguard/client'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startAuthServer } from '../test/support/auth-server.js'
import { createExpressApi } from './express-api.js'
import { createFastifyApi } from './fastify-api.js'

interface Step {
  api: string
  step: string
  expected: number
  status: number
  challenge: string
}

const RESOURCE = 'https://api.tokenguard.test'

const authServer = await startAuthServer({ resource: RESOURCE })
const clients = {
  readWrite: tokenClient(authServer.clients.readWrite, 'client_secret_basic', 'read:data write:data'),
  readOnly: tokenClient(authServer.clients.readOnly, 'client_secret_post', 'read:data'),
}
const express = createExpressApi({ issuer: authServer.issuer, audience: RESOURCE, allowInsecureHttp: true })
await express.verifier.ready()
const expressServer = express.app.listen(0, '127.0.0.1') as Server
await once(expressServer, 'listening')
const fastify = await createFastifyApi({ issuer: authServer.issuer, audience: RESOURCE, allowInsecureHttp: true })
await fastify.listen({ port: 0, host: '127.0.0.1' })

const steps: Step[] = []
try {
  for (const [api, base] of [['express', urlOf(expressServer)], ['fastify', urlOf(fastify.server)]] as const) {
    await call(api, base, 'read-write client reads data', 'GET', await clients.readWrite.getToken(), 200)
    await call(api, base, 'read-write client writes data', 'POST', await clients.readWrite.getToken(), 201)
    await call(api, base, 'read-only client tries to write', 'POST', await clients.readOnly.getToken(), 403)
    await call(api, base, 'tampered token', 'GET', tamper(await clients.readOnly.getToken()), 401)
    await call(api, base, 'no token', 'GET', undefined, 401)
    const requestsBefore = authServer.tokenRequestCount()
    await call(api, base, 'read-only client reads again (cached token)', 'GET', await clients.readOnly.getToken(), 200)
    if (authServer.tokenRequestCount() !== requestsBefore) steps.at(-1)!.challenge = 'ERROR: the token was not reused'
  }
} finally {
  expressServer.close()
  await fastify.close()
  await authServer.close()
}

printTable(steps)
const failed = steps.filter((s) => s.status !== s.expected || s.challenge.startsWith('ERROR'))
console.log(`\n${authServer.tokenRequestCount()} token requests reached the authorization server for ${steps.length} API calls.`)
console.log(failed.length === 0 ? 'All answers were as expected.' : `${failed.length} answer(s) were NOT as expected.`)
process.exitCode = failed.length === 0 ? 0 : 1

function tokenClient(client: { id: string; secret: string }, auth: 'client_secret_basic' | 'client_secret_post', scope: string): TokenClient {
  return createTokenClient({
    issuer: authServer.issuer,
    clientId: client.id,
    clientSecret: client.secret,
    auth,
    scope,
    resource: RESOURCE,
    allowInsecureHttp: true, // the demo's authorization server is plain http on 127.0.0.1
  })
}

async function call(api: string, base: string, step: string, method: string, token: string | undefined, expected: number): Promise<void> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  const response = await fetch(`${base}/data`, { method, headers })
  await response.arrayBuffer()
  steps.push({ api, step, expected, status: response.status, challenge: response.headers.get('www-authenticate') ?? '' })
}

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
  claims.scope = 'read:data write:data' // an attempt to grant itself more scope
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.')
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function printTable(rows: Step[]): void {
  const table = rows.map((r) => ({
    api: r.api,
    step: r.step,
    expected: String(r.expected),
    got: `${r.status}${r.status === r.expected ? '' : '  <-- unexpected'}`,
    'WWW-Authenticate': r.challenge || '-',
  }))
  const columns = Object.keys(table[0]!) as Array<keyof (typeof table)[number]>
  const widths = columns.map((c) => Math.max(c.length, ...table.map((row) => row[c].length)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')
  console.log(line(columns))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const row of table) console.log(line(columns.map((c) => row[c])))
}
