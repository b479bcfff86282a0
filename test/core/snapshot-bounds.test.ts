/** A key snapshot is only taken back when it could be one tokenguard wrote: not from the future, not fresh for longer than a day. */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'

let issuer: TestIssuer
before(async () => {
  issuer = await createTestIssuer()
})
after(() => issuer.stop())

function snapshot(fetchedAt: number, freshUntil: number) {
  return { version: 1, issuer: issuer.issuer, jwksUri: issuer.jwksUri, jwks: issuer.jwks(), fetchedAt, freshUntil }
}

test('a plausible snapshot is taken and verifies without fetching', async () => {
  const now = Date.now()
  const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience, jwksUri: issuer.jwksUri, keySnapshot: snapshot(now, now + 600_000) })
  const fetchesBefore = issuer.requests.jwks
  await verifier.verify(await issuer.sign())
  assert.equal(issuer.requests.jwks, fetchesBefore)
})

for (const [name, make] of [
  ['fetched in the future', (now: number) => snapshot(now + 3_600_000, now + 4_200_000)],
  ['fresh for more than 24 hours', (now: number) => snapshot(now, now + 2 * 86_400_000)],
  ['fresh until before it was fetched', (now: number) => snapshot(now, now - 1)],
] as const) {
  test(`a snapshot ${name} is refused`, () => {
    const verifier = createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true, audience: issuer.audience, jwksUri: issuer.jwksUri })
    assert.equal(verifier.keySource.import(make(Date.now())), false)
    assert.equal(verifier.keySource.export(), undefined)
  })
}
