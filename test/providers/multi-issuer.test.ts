/**
 * Presets as entries of `issuers`: one API trusting Auth0 and Entra ID at once. Each preset keeps its own
 * issuer, keys, audience and scope claims: Auth0's `permissions` are not read from Entra tokens and Entra's
 * `roles` are not read from Auth0 tokens; each issuer's audience is checked against its own tokens only.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createVerifier, isTokenGuardError, type Verifier } from '@tokenguard/core'
import { startAuth0, type Auth0Fixture } from './shapes/auth0.js'
import { startEntraId, type EntraFixture } from './shapes/entra-id.js'

let auth0: Auth0Fixture
let entra: EntraFixture
let verifier: Verifier

before(async () => {
  ;[auth0, entra] = await Promise.all([startAuth0(), startEntraId(2)])
  verifier = createVerifier({ issuers: [auth0.options, entra.options] })
})
after(async () => {
  await Promise.all([auth0.close(), entra.close()])
})

test('both providers\' access tokens are accepted, each read with its own scope claims', async () => {
  const fromAuth0 = await verifier.verify(await auth0.userToken({ roles: ['admin'] }))
  assert.deepEqual([...fromAuth0.scopes].sort(), ['email', 'openid', 'profile', 'read:orders', 'write:orders'])
  const fromEntra = await verifier.verify(await entra.v2User(undefined, { permissions: ['admin'] }))
  assert.deepEqual([...fromEntra.scopes].sort(), ['Orders.Read', 'Orders.Write'])
})

test('each provider keeps its own audience', async () => {
  // An Auth0-shaped token carrying the Entra API's audience is still checked against Auth0's audience.
  await assert.rejects(verifier.verify(await auth0.userToken({ aud: (entra.options.audience as string[])[0] })), (error: unknown) => isTokenGuardError(error) && error.reason === 'audience_mismatch')
})

test('the mix-ups stay refused behind a multi-issuer verifier', async () => {
  await assert.rejects(verifier.verify(await auth0.idToken()), (error: unknown) => isTokenGuardError(error) && error.reason === 'audience_mismatch')
  await assert.rejects(verifier.verify(await entra.v1User()), (error: unknown) => isTokenGuardError(error) && error.reason === 'issuer_not_trusted')
  await assert.rejects(verifier.verify(await auth0.userToken({ iss: auth0.issuer.slice(0, -1) })), (error: unknown) => isTokenGuardError(error) && error.reason === 'issuer_not_trusted')
})
