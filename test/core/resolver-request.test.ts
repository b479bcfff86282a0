/**
 * Issue 17 item 3: the request passed to an issuer resolver — `issuers: (iss, request) => …` —
 * express-oauth2-jwt-bearer's MCD resolvers get the request's URL and headers. Here it is the RequestView
 * the adapter built (headers, method, target, peer), threaded from `decide()` through the selection to
 * the resolution; `verify()`, outside any request, passes `undefined`. The answer is about the issuer:
 * it is kept for later requests, which the resolver is then not asked about (documented, and tested).
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createVerifier, type IssuerResolver, type RequestView } from '@tokenguard/core'
import { authenticate } from '@tokenguard/express'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express from 'express'

let acme: TestIssuer
let globex: TestIssuer
before(async () => {
  ;[acme, globex] = await Promise.all([createTestIssuer(), createTestIssuer()])
})
after(() => Promise.all([acme.stop(), globex.stop()]))

/** A resolver that trusts the issuers of the tenants it knows, and records what it was shown. */
function recordingResolver(): { resolve: IssuerResolver; asked: Array<{ iss: string; request: RequestView | undefined }> } {
  const asked: Array<{ iss: string; request: RequestView | undefined }> = []
  const resolve: IssuerResolver = (iss, request) => {
    asked.push({ iss, request })
    return [acme.issuer, globex.issuer].includes(iss) ? { issuer: iss, allowInsecureHttp: true } : undefined
  }
  return { resolve, asked }
}

const headerOf = (request: RequestView | undefined, name: string) => (request?.headers as Record<string, unknown> | undefined)?.[name]

describe('issue 17 item 3: the issuer resolver sees the request', () => {
  test('decide(): the resolver gets the request view — headers, method and target — for the token\'s issuer', async () => {
    const { resolve, asked } = recordingResolver()
    const verifier = createVerifier({ audience: acme.audience, issuers: resolve })
    const view: RequestView = { method: 'GET', url: '/orders?page=2', headers: { authorization: `Bearer ${await acme.sign()}`, 'x-tenant': 'acme' }, remoteAddress: '127.0.0.1' }
    const decision = await verifier.decide(view)
    assert.equal(decision.outcome, 'accepted')
    assert.equal(asked.length, 1)
    assert.equal(asked[0]!.iss, acme.issuer)
    assert.equal(asked[0]!.request, view, 'the very view the adapter built')
  })

  test('verify(), outside any request, passes undefined', async () => {
    const { resolve, asked } = recordingResolver()
    await createVerifier({ audience: acme.audience, issuers: resolve }).verify(await acme.sign())
    assert.deepEqual(asked, [{ iss: acme.issuer, request: undefined }])
  })

  test('an issuer the resolver refuses, given the request: 401 issuer_not_trusted', async () => {
    const verifier = createVerifier({ audience: acme.audience, issuers: (iss, request) => (headerOf(request, 'x-tenant') === 'acme' && iss === acme.issuer ? { issuer: iss, allowInsecureHttp: true } : undefined) })
    const decision = await verifier.decide({ headers: { authorization: `Bearer ${await globex.sign()}`, 'x-tenant': 'acme' } })
    assert.equal(decision.outcome === 'refused' && decision.error.reason, 'issuer_not_trusted')
  })

  test('the answer is kept for the issuer: a later request for it does not ask again, whatever it carries', async () => {
    const { resolve, asked } = recordingResolver()
    const verifier = createVerifier({ audience: acme.audience, issuers: resolve })
    await verifier.decide({ headers: { authorization: `Bearer ${await acme.sign()}`, 'x-tenant': 'acme' } })
    const later = await verifier.decide({ headers: { authorization: `Bearer ${await acme.sign()}`, 'x-tenant': 'someone-else' } })
    assert.equal(later.outcome, 'accepted')
    assert.equal(asked.length, 1, 'one question per issuer: per-request rules belong after authentication')
    await verifier.decide({ headers: { authorization: `Bearer ${await globex.sign()}` } })
    assert.deepEqual(asked.map((entry) => entry.iss), [acme.issuer, globex.issuer])
  })

  test('through Express, over HTTP: the resolver sees the request\'s headers and original URL', async () => {
    const { resolve, asked } = recordingResolver()
    const app = express()
    app.get('/tenants/:id/orders', authenticate({ audience: acme.audience, issuers: resolve, logger: false }), (_req, res) => void res.json({ ok: true }))
    const server = app.listen(0, '127.0.0.1') as Server
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenants/acme/orders?page=1`
      const response = await fetch(url, { headers: { authorization: `Bearer ${await acme.sign()}`, 'x-tenant': 'acme' } })
      assert.equal(response.status, 200)
      assert.equal(asked.length, 1)
      assert.equal(asked[0]!.request?.url, '/tenants/acme/orders?page=1')
      assert.equal(asked[0]!.request?.method, 'GET')
      assert.equal(headerOf(asked[0]!.request, 'x-tenant'), 'acme')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
