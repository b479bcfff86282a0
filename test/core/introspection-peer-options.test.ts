/**
 * Issue 17 item 3, for opaque tokens too: the `fetch` option carries introspection's requests (discovery of
 * the endpoint and the POST), with its bounds; `discoveryUrl` is where the endpoint is looked up; and the
 * `claims` option's async predicates apply to an introspected answer on every use — against a real
 * introspection server on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { createVerifier, type ClaimPredicate, type FetchFunction, type IntrospectionOptions, type VerifierOptions } from '@tokenguard/core'
import { opaqueToken, startIntrospectionServer, type IntrospectionServer } from '../support/introspection-server.js'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { expectRefusal } from '../support/refusal.js'

let as: IntrospectionServer
before(async () => {
  as = await startIntrospectionServer()
})
after(() => as.close())
beforeEach(() => {
  as.behaviour = { kind: 'ok' }
})

const now = () => Math.floor(Date.now() / 1000)

function verifierFor(options: Partial<VerifierOptions>) {
  const introspection = { clientId: as.clientId, clientSecret: as.clientSecret } as IntrospectionOptions
  return createVerifier({ issuer: as.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, retryDelay: '10ms', introspection, ...options })
}

function activeToken(members: Record<string, unknown> = {}): string {
  const token = opaqueToken()
  as.answers.set(token, { active: true, iss: as.issuer, aud: TEST_AUDIENCE, client_id: 'client-1', sub: 'client-1', exp: now() + 300, token_type: 'Bearer', ...members })
  return token
}

/** A fetch that records what it is asked, then asks the global fetch. */
function recordingFetch(): { fetch: FetchFunction; calls: Array<{ url: string; method: string; body: string | undefined }> } {
  const calls: Array<{ url: string; method: string; body: string | undefined }> = []
  return { calls, fetch: (url, init) => (calls.push({ url, method: init.method, body: init.body }), fetch(url, init)) }
}

describe('issue 17 item 3: introspection goes through the fetch option', () => {
  test('the endpoint\'s discovery and the introspection POST are both made by the given fetch', async () => {
    const { fetch: recording, calls } = recordingFetch()
    const auth = await verifierFor({ fetch: recording }).verify(activeToken())
    assert.equal(auth.claims.sub, 'client-1')
    assert.deepEqual(calls.map((call) => [call.method, call.url]), [['GET', `${as.issuer}/.well-known/openid-configuration`], ['POST', as.endpoint]])
    assert.match(calls[1]!.body ?? '', /^token=[^&]+&token_type_hint=access_token/)
  })

  test('a fetch that follows the endpoint\'s redirect itself is refused: 503, never the redirected answer', async () => {
    const elsewhere = activeToken()
    as.behaviour = { kind: 'redirect', location: `${as.issuer}/jwks` } // answers 200 to the GET a followed 302 becomes
    const following: FetchFunction = (url, init) => fetch(url, { ...init, redirect: 'follow' })
    const verifier = verifierFor({ fetch: following, introspection: { clientId: as.clientId, clientSecret: as.clientSecret, endpoint: as.endpoint } as IntrospectionOptions })
    const refusal = await expectRefusal(verifier.verify(elsewhere), 'introspection_unavailable', 503)
    assert.match(refusal.detail ?? '', /the fetch followed a redirect itself/)
  })

  test('discoveryUrl is where the endpoint is looked up (only there)', async () => {
    const { fetch: recording, calls } = recordingFetch()
    const discoveryUrl = `${as.issuer}/.well-known/openid-configuration?tenant=acme`
    await verifierFor({ fetch: recording, discoveryUrl }).verify(activeToken())
    assert.deepEqual(calls.map((call) => call.url), [discoveryUrl, as.endpoint])
  })
})

describe('issue 17 item 3: async claim predicates on introspected answers', () => {
  test('checked on every use, the cached answer included; a rejection is 503 claim_check_unavailable', async () => {
    const directory = { down: false, asked: 0 }
    const knownTenant: ClaimPredicate = async (value) => {
      directory.asked++
      if (directory.down) throw new Error('directory unreachable')
      return value === 'acme'
    }
    const verifier = verifierFor({ claims: { tenant: knownTenant } })
    const token = activeToken({ tenant: 'acme' })
    await verifier.verify(token)
    await verifier.verify(token)
    assert.equal(directory.asked, 2)
    await expectRefusal(verifier.verify(activeToken({ tenant: 'globex' })), 'claim_invalid', 401)
    directory.down = true
    await expectRefusal(verifier.verify(token), 'claim_check_unavailable', 503)
  })
})
