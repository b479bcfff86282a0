/**
 * Single flight against a real authorization server (oidc-provider): its own discovery document, its own
 * JWK Set, a real client_credentials token, and 50 requests on a cold cache through every target.
 *
 * The fixture does not count key requests, so they are counted where they arrive: Node's
 * `http.server.request.start` diagnostics channel, filtered to the authorization server's port.
 */
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { startAuthServer, type AuthServer } from '../support/auth-server.js'
import { burst, EventLog, FAST, tally, TARGETS } from './harness.js'

describe('cold start single flight against oidc-provider', () => {
  let as: AuthServer
  let token: string
  const hits = new Map<string, number>()
  const count = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server }
    if ((server.address() as AddressInfo | null)?.port !== Number(new URL(as.issuer).port)) return
    const path = (request.url ?? '').split('?')[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
  }
  const hitsOf = (path: string) => hits.get(path) ?? 0

  before(async () => {
    as = await startAuthServer()
    token = await as.requestToken('readWrite', { scope: 'read:data' })
    diagnostics.subscribe('http.server.request.start', count)
  })
  after(async () => {
    diagnostics.unsubscribe('http.server.request.start', count)
    await as.close()
  })

  for (const target of TARGETS) {
    test(`${target.name}: 50 concurrent requests, one discovery and one key set request`, async (t) => {
      const [discoveryBefore, jwksBefore] = [hitsOf('/.well-known/openid-configuration'), hitsOf('/jwks')]
      const log = new EventLog()
      const api = await target.start({ issuer: as.issuer, allowInsecureHttp: true, audience: as.resource, ...FAST, onEvent: log.onEvent })
      t.after(() => api.close())

      assert.deepEqual(tally(await burst(50, () => api.call(token))), { 200: 50 })
      assert.equal(hitsOf('/.well-known/openid-configuration') - discoveryBefore, 1, 'discovery requests')
      assert.equal(hitsOf('/jwks') - jwksBefore, 1, 'key set requests')
      assert.deepEqual(log.of('discovered').map((event) => event.jwksUri), [as.jwksUri], "jwks_uri from oidc-provider's metadata")
      assert.deepEqual(log.of('fetch_start').map((event) => event.cause), ['cold'])
    })
  }
})
