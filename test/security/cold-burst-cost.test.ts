/**
 * The cost side, over every adapter: a cold app (no warm-up) hit by 200 concurrent requests, each with a
 * token under a different unknown `kid` (signed by a stranger's key), then 100 more one by one. Outbound
 * fetches stay at one discovery and two key set fetches (the cold one and one unknown-kid refetch), every
 * answer is a 401 `key_not_found`, and a good token still verifies afterwards: junk evicts nothing.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ADAPTERS } from '../support/apps.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE } from '../support/key-server.js'

const TIME_LIMIT_MS = 10_000

for (const adapter of ADAPTERS) {
  describe(`cold burst of unknown kids over ${adapter.name}`, () => {
    test('200 concurrent + 100 sequential unknown kids: 1 discovery, at most 2 key set fetches, all 401 key_not_found', async () => {
      const issuer = await startKeyServer()
      // An hour of cooldown: the bound below cannot depend on how long the run takes on a loaded machine.
      const app = await adapter.start({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, cooldownDuration: '1h' })
      try {
        const stranger = await generateSigningKey('ES256', 'stranger')
        const tokens = await Promise.all(Array.from({ length: 300 }, (_, index) => issuer.mint({}, { key: { ...stranger, kid: `unknown-${index}` } })))
        const present = async (token: string) => {
          const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })
          await response.text()
          return response.status
        }
        const statuses = await Promise.all(tokens.slice(0, 200).map(present))
        for (const token of tokens.slice(200)) statuses.push(await present(token))
        assert.deepEqual([...new Set(statuses)], [401])
        assert.equal(app.refusals.length, 300)
        assert.deepEqual([...new Set(app.refusals.map((refusal) => refusal.reason))], ['key_not_found'])
        assert.equal(issuer.counts.discovery, 1, 'one discovery')
        assert.ok(issuer.counts.jwks <= 2, `key set fetches: ${issuer.counts.jwks}`)
        assert.equal(await present(await issuer.mint()), 200, 'a good token still verifies')
        assert.ok(issuer.counts.jwks <= 2, 'and costs no further fetch')
      } finally {
        await app.close()
        await issuer.close()
      }
    })
  })
}
