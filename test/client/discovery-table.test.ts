/**
 * Issue 10 item 6: the client discovers by the same rules as core. One table of cases, run against both
 * core's `discover()` and the client's, each against its own real HTTP server on 127.0.0.1.
 *
 * Both functions are internal (no package subpath exports them), so they are loaded from the built
 * packages: types from the declaration files, code by a URL relative to this file's place in build/.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type * as CoreDiscovery from '../../packages/core/dist/discovery.js'
import type * as ClientDiscovery from '../../packages/client/dist/discovery.js'
import { TokenRequestError } from '@tokenguard/client'
import { sendJson, startServer } from '../support/http-server.js'

const load = async <T>(path: string) => (await import(new URL(`../../../${path}`, import.meta.url).href)) as T
const core = await load<typeof CoreDiscovery>('packages/core/dist/discovery.js')
const client = await load<typeof ClientDiscovery>('packages/client/dist/discovery.js')

type Outcome = { used: string } | { refused: string }

/** One discovery run: which document was used (by its `served_from` tag), or the refusal's message. */
type Discover = (issuer: string, budget: number, maxResponseSize: number) => Promise<Outcome>

const implementations: Record<'core' | 'client', Discover> = {
  core: async (issuer, timeoutDuration, maxResponseSize) => {
    try {
      const metadata = await core.discover(issuer, { timeoutDuration, maxResponseSize, allowInsecureHttp: true })
      return { used: String(metadata.served_from) }
    } catch (error) {
      return { refused: (error as Error).message }
    }
  },
  client: async (issuer, timeoutDuration, maxResponseSize) => {
    try {
      const metadata = await client.discover(issuer, { fetch: globalThis.fetch, timeoutDuration, maxResponseSize, allowInsecureHttp: true })
      return { used: new URL(metadata.tokenEndpoint).pathname.split('/')[1]! }
    } catch (error) {
      assert.ok(error instanceof TokenRequestError && error.code === 'discovery_error', `unexpected ${String(error)}`)
      return { refused: error.message }
    }
  },
}

/** What a well-known location does. */
type Behaviour = 'metadata' | 'other issuer' | 'issuer without trailing slash' | 404 | 'hang' | 'endless body'

interface Case {
  name: string
  /** The configured issuer's path (after the origin). */
  issuerPath: string
  oidc: Behaviour
  rfc8414: Behaviour
  budget?: number
  /** The request paths the server must see, in order. */
  requested: (issuerPath: string) => string[]
  expect: { used: 'oidc' | 'rfc8414' } | { refused: RegExp; namesBothIssuers?: boolean }
}

const oidcPath = (path: string) => `${path.replace(/\/$/, '')}/.well-known/openid-configuration`
const rfc8414Path = (path: string) => `/.well-known/oauth-authorization-server${path.replace(/\/$/, '')}`
const both = (path: string) => [oidcPath(path), rfc8414Path(path)]

const CASES: Case[] = [
  { name: 'OIDC location first', issuerPath: '/tenant', oidc: 'metadata', rfc8414: 'metadata', requested: (p) => [oidcPath(p)], expect: { used: 'oidc' } },
  { name: 'RFC 8414 path-inserted location second', issuerPath: '/tenant', oidc: 404, rfc8414: 'metadata', requested: both, expect: { used: 'rfc8414' } },
  { name: '404 at the first location, then the second (issuer without a path)', issuerPath: '', oidc: 404, rfc8414: 'metadata', requested: both, expect: { used: 'rfc8414' } },
  {
    name: 'issuer mismatch refused',
    issuerPath: '/tenant',
    oidc: 'other issuer',
    rfc8414: 'other issuer',
    requested: both,
    expect: { refused: /issuer/, namesBothIssuers: true },
  },
  {
    name: 'trailing-slash mismatch refused (configured with, metadata without)',
    issuerPath: '/tenant/',
    oidc: 'issuer without trailing slash',
    rfc8414: 'issuer without trailing slash',
    requested: both,
    expect: { refused: /issuer/, namesBothIssuers: true },
  },
  {
    name: 'a hanging first location spends the one budget: the second is not tried',
    issuerPath: '/tenant',
    oidc: 'hang',
    rfc8414: 'metadata',
    budget: 300,
    requested: (p) => [oidcPath(p)],
    // The first location gets what is left of the budget when its request starts (a millisecond may be gone).
    expect: { refused: /timed out after \d+ ms.*not tried, the 300 ms budget is spent/ },
  },
  {
    name: 'an oversized (endless) body is refused at the size cap, not at the timeout',
    issuerPath: '/tenant',
    oidc: 'endless body',
    rfc8414: 404,
    requested: both,
    expect: { refused: /exceeds the 4096 byte limit/ },
  },
]

/** Serves `row` and runs `discover` against it; returns the outcome, the configured issuer and what the server saw. */
async function run(row: Case, discover: Discover) {
  let origin = ''
  let hangingClosed = 0
  const server = await startServer((req, res, raw) => {
    const location = req.url === oidcPath(row.issuerPath) ? 'oidc' : req.url === rfc8414Path(row.issuerPath) ? 'rfc8414' : undefined
    const behaviour = location === undefined ? 404 : row[location]
    const issuer = `${origin}${row.issuerPath}`
    const document = (documentIssuer: string) => ({
      issuer: documentIssuer,
      served_from: location,
      token_endpoint: `${origin}/${location}/token`,
      jwks_uri: `${origin}/${location}/jwks`,
    })
    if (behaviour === 404) return void res.writeHead(404).end()
    if (behaviour === 'hang') return void raw.socket.on('close', () => (hangingClosed += 1))
    if (behaviour === 'endless body') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(`{"issuer":${JSON.stringify(issuer)},"padding":"`)
      const pump = () => {
        while (!res.destroyed && res.write('x'.repeat(8192)));
        if (!res.destroyed) res.once('drain', pump)
      }
      return pump()
    }
    if (behaviour === 'other issuer') return sendJson(res, 200, document(`${origin}/other`))
    if (behaviour === 'issuer without trailing slash') return sendJson(res, 200, document(issuer.replace(/\/$/, '')))
    sendJson(res, 200, document(issuer))
  })
  origin = server.url
  try {
    const outcome = await discover(`${origin}${row.issuerPath}`, row.budget ?? 10_000, 4096)
    if (row.oidc === 'hang') {
      for (let i = 0; i < 100 && hangingClosed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
      assert.equal(hangingClosed, 1, 'the hanging request was aborted (the server saw its connection close)')
    }
    return { outcome, issuer: `${origin}${row.issuerPath}`, served: `${origin}/other`, seen: server.requests.map((r) => r.url) }
  } finally {
    await server.close()
  }
}

for (const [implementation, discover] of Object.entries(implementations)) {
  describe(`discovery table: ${implementation}`, () => {
    for (const row of CASES) {
      it(row.name, async () => {
        const { outcome, seen } = await run(row, discover)
        assert.deepEqual(seen, row.requested(row.issuerPath), 'locations tried, in order')
        if ('used' in row.expect) {
          assert.deepEqual(outcome, { used: row.expect.used })
        } else {
          assert.ok('refused' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`)
          assert.match(outcome.refused, row.expect.refused)
        }
      })
      if ('refused' in row.expect && row.expect.namesBothIssuers) {
        it(`${row.name}: the message shows both issuers side by side`, async () => {
          const { outcome, issuer } = await run(row, discover)
          assert.ok('refused' in outcome)
          const served = row.oidc === 'other issuer' ? `${new URL(issuer).origin}/other` : issuer.replace(/\/$/, '')
          assert.ok(outcome.refused.includes(JSON.stringify(served)), `served issuer missing: ${outcome.refused}`)
          assert.ok(outcome.refused.includes(JSON.stringify(issuer)), `configured issuer missing: ${outcome.refused}`)
        })
      }
    }
  })
}
