/**
 * express-oauth2-jwt-bearer's packages/access-token-jwt/test/discovery.test.ts, replayed against real
 * metadata servers on 127.0.0.1 instead of nock: where tokenguard looks, what it accepts, and what a
 * failure means (an outage is 503, a contradiction a ConfigurationError).
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier, isConfigurationError, type Verifier } from '@tokenguard/core'
import { sendJson, startServer, type TestServer } from '../../support/http-server.js'
import { refused, type ReplayCase, type ReplayEnv } from './env.js'

const FILE = 'access-token-jwt/test/discovery.test.ts'

/** A metadata server: `documents` maps a path to a body (or a status), the JWK Set is the shared issuer's. */
async function metadataServer(env: ReplayEnv, documents: (base: string) => Record<string, unknown>): Promise<TestServer> {
  let base = ''
  const server = await startServer((req, res) => {
    const path = req.url
    if (path === '/jwks') return sendJson(res, 200, env.issuer.jwks())
    const document = documents(base)[path]
    if (document === undefined) return sendJson(res, 404, {})
    if (typeof document === 'number') return sendJson(res, document, {})
    if (typeof document === 'string') return void res.writeHead(200, { 'content-type': 'application/json' }).end(document)
    sendJson(res, 200, document)
  })
  base = server.url
  env.defer(() => server.close())
  return server
}

const at = (issuer: string, audience: string | readonly string[], extra: object = {}): Verifier => createVerifier({ issuer, audience, allowInsecureHttp: true, retryDelay: '10ms', ...extra })
const readyError = (verifier: Verifier) => verifier.ready().then(() => undefined, (error: unknown) => error)

export const DISCOVERY_CASES: ReplayCase[] = [
  {
    file: FILE, name: 'gets discovery metadata for custom /.well-known', outcome: 'built',
    note: 'discoveryUrl: only that URL is fetched; its issuer must still equal "issuer"',
    async run(env) {
      const server = await metadataServer(env, (base) => ({ '/.well-known/example-configuration': { issuer: base, jwks_uri: `${base}/jwks` } }))
      await at(server.url, env.issuer.audience, { discoveryUrl: `${server.url}/.well-known/example-configuration` }).verify(await env.issuer.sign({ iss: server.url }))
      assert.deepEqual(server.requests.map((r) => r.url), ['/.well-known/example-configuration', '/jwks'])
    },
  },
  {
    file: FILE, name: 'gets discovery metadata for openid-configuration with base url', outcome: 'same',
    note: 'OpenID Connect Discovery first',
    async run(env) {
      const own = await env.fresh()
      await env.verifier({}, own).verify(await own.sign())
      assert.equal(own.requests.openidConfiguration, 1)
      assert.equal(own.requests.oauthAuthorizationServer, 0)
    },
  },
  {
    file: FILE, name: 'gets discovery metadata for openid-configuration with path (without trailing slash)', outcome: 'same',
    note: 'issuer …/oidc: metadata at …/oidc/.well-known/openid-configuration',
    async run(env) {
      const own = await env.fresh({ path: '/oidc' })
      await env.verifier({}, own).verify(await own.sign())
      assert.equal(own.requests.openidConfiguration, 1)
    },
  },
  {
    file: FILE, name: 'gets discovery metadata for openid-configuration with path (with trailing slash)', outcome: 'stricter',
    note: 'issuer "…/oidc/" is not "…/oidc" (RFC 8414 §3.3): ready() rejects naming the exact issuer to set',
    async run(env) {
      const own = await env.fresh({ path: '/oidc' })
      const error = await readyError(env.verifier({ issuer: `${own.issuer}/` }, own))
      assert.ok(isConfigurationError(error), String(error))
      assert.match(error.message, new RegExp(`set issuer to exactly "${own.issuer}"`))
    },
  },
  {
    file: FILE, name: 'gets discovery metadata for oauth-authorization-server with path (without trailing slash)', outcome: 'same',
    note: 'nothing at the OIDC location: RFC 8414 …/.well-known/oauth-authorization-server/oauth2',
    async run(env) {
      const server = await metadataServer(env, (base) => ({ '/.well-known/oauth-authorization-server/oauth2': { issuer: `${base}/oauth2`, jwks_uri: `${base}/jwks` } }))
      await at(`${server.url}/oauth2`, env.issuer.audience).verify(await env.issuer.sign({ iss: `${server.url}/oauth2` }))
      assert.deepEqual(server.requests.map((r) => r.url).slice(0, 2), ['/oauth2/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/oauth2'])
    },
  },
  {
    file: FILE, name: 'gets discovery metadata for openid-configuration with path and query', outcome: 'built',
    note: 'discoveryUrl may carry a query',
    async run(env) {
      const server = await metadataServer(env, (base) => ({ '/oidc/.well-known/openid-configuration?foo=bar': { issuer: `${base}/oidc`, jwks_uri: `${base}/jwks` } }))
      await at(`${server.url}/oidc`, env.issuer.audience, { discoveryUrl: `${server.url}/oidc/.well-known/openid-configuration?foo=bar` }).verify(await env.issuer.sign({ iss: `${server.url}/oidc` }))
    },
  },
  {
    file: FILE, name: 'is rejected when both Metadata endpoints fail', outcome: 'different',
    note: 'a 500 at either location is an outage: 503 keys_unavailable, retried (not 401)',
    async run(env) {
      const server = await metadataServer(env, () => ({ '/.well-known/openid-configuration': 500, '/.well-known/oauth-authorization-server': '' }))
      await refused(at(server.url, env.issuer.audience).verify(await env.issuer.sign({ iss: server.url })), 'keys_unavailable', 503)
    },
  },
  {
    file: FILE, name: 'is rejected when .well-known Metadata endpoint responds with non JSON response', outcome: 'different',
    note: 'a misconfiguration: ready() rejects with a ConfigurationError, requests are 503 keys_misconfigured',
    async run(env) {
      const server = await metadataServer(env, () => ({ '/.well-known/example-configuration': 'not json' }))
      const verifier = at(server.url, env.issuer.audience, { discoveryUrl: `${server.url}/.well-known/example-configuration` })
      assert.ok(isConfigurationError(await readyError(verifier)))
      await refused(verifier.verify(await env.issuer.sign({ iss: server.url })), 'keys_misconfigured', 503)
    },
  },
  {
    file: FILE, name: 'is rejected when .well-known Metadata does not provide the required "issuer" property', outcome: 'different',
    note: 'a misconfiguration: ready() rejects ("metadata issuer (missing)"), requests are 503 keys_misconfigured',
    async run(env) {
      const server = await metadataServer(env, (base) => ({ '/.well-known/openid-configuration': { jwks_uri: `${base}/jwks` } }))
      const error = await readyError(at(server.url, env.issuer.audience))
      assert.ok(isConfigurationError(error))
      assert.match(error.message, /metadata issuer \(missing\)/)
    },
  },
  {
    file: FILE, name: 'should cache discovery calls', outcome: 'same',
    note: 'discovered once for many tokens',
    async run(env) {
      const own = await env.fresh()
      const verifier = env.verifier({}, own)
      for (let i = 0; i < 3; i++) await verifier.verify(await own.sign())
      assert.equal(own.requests.openidConfiguration, 1)
    },
  },
  {
    file: FILE, name: 'should handle concurrent discovery calls', outcome: 'same',
    note: 'concurrent cold requests share one discovery and one key fetch',
    async run(env) {
      const own = await env.fresh()
      const verifier = env.verifier({}, own)
      await Promise.all([own.sign(), own.sign(), own.sign()].map(async (token) => verifier.verify(await token)))
      assert.deepEqual([own.requests.openidConfiguration, own.requests.jwks], [1, 1])
    },
  },
  {
    file: FILE, name: 'should make new calls after max age', outcome: 'built',
    note: 'discoveryCacheMaxAge: once older, the next key set fetch discovers again',
    async run(env) {
      const own = await env.fresh()
      const verifier = env.verifier({ discoveryCacheMaxAge: '100ms' }, own)
      await verifier.verify(await own.sign())
      await sleep(150)
      await verifier.keySource.refresh()
      assert.equal(own.requests.openidConfiguration, 2)
    },
  },
  {
    file: FILE, name: 'should not cache failed discovery calls', outcome: 'same',
    note: 'after a failure the next attempt (after retryDelay) discovers again',
    async run(env) {
      const own = await env.fresh()
      const verifier = env.verifier({ retryDelay: '10ms' }, own)
      await own.outage('503')
      await refused(verifier.verify(await own.sign()), 'keys_unavailable', 503)
      await own.restore()
      await sleep(30)
      await verifier.verify(await own.sign())
      assert.equal(own.requests.openidConfiguration, 2)
    },
  },
  {
    file: FILE, name: 'should handle concurrent client calls with failures', outcome: 'different',
    note: 'concurrent cold requests during an outage share one attempt and all get 503 (not 401)',
    async run(env) {
      const own = await env.fresh()
      const verifier = env.verifier({ retryDelay: '10ms' }, own)
      const tokens = await Promise.all([own.sign(), own.sign(), own.sign()])
      await own.outage('503')
      await Promise.all(tokens.map((token) => refused(verifier.verify(token), 'keys_unavailable', 503)))
      assert.equal(own.requests.openidConfiguration, 1, 'one attempt for all three')
    },
  },
]
