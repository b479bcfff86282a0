/**
 * Presets as entries of `issuers`: one API trusting Auth0 and Entra ID at once. Each preset keeps its own
 * issuer, keys, audience and scope claims: Auth0's `permissions` are not read from Entra tokens and Entra's
 * `roles` are not read from Auth0 tokens; each issuer's audience is checked against its own tokens only.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createVerifier, entraId, isTokenGuardError, type Verifier } from '@tokenguard/core'
import { startAuth0, type Auth0Fixture } from './shapes/auth0.js'
import { API_CLIENT_ID, OTHER_TENANT_ID, startEntraId, TENANT_ID, type EntraFixture } from './shapes/entra-id.js'

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

test('a multi-tenant Entra ID API trusts exactly the tenants its resolver lists', async () => {
  const loginBaseUrl = new URL(entra.options.issuer).origin
  const trusted = new Set([TENANT_ID])
  const asked: string[] = []
  const multiTenant = createVerifier({
    issuers: (iss) => {
      asked.push(iss)
      const tenantId = new RegExp(`^${loginBaseUrl}/([0-9a-f-]{36})/v2\\.0$`).exec(iss)?.[1]
      return tenantId !== undefined && trusted.has(tenantId) ? entraId({ tenantId, audience: API_CLIENT_ID, version: 2, loginBaseUrl, allowInsecureHttp: true }) : undefined
    },
  })
  const otherTenantPaths = [`/${OTHER_TENANT_ID}/v2.0/.well-known/openid-configuration`, `/${OTHER_TENANT_ID}/discovery/v2.0/keys`]
  const otherHitsBefore = otherTenantPaths.map((path) => entra.hits(path))
  const accepted = await multiTenant.verify(await entra.v2User(TENANT_ID))
  assert.equal(accepted.claims.tid, TENANT_ID)
  await assert.rejects(multiTenant.verify(await entra.v2User(OTHER_TENANT_ID)), (error: unknown) => isTokenGuardError(error) && error.reason === 'issuer_not_trusted')
  // The other tenant's documents were never fetched: its issuer was refused before any request.
  assert.deepEqual(otherTenantPaths.map((path) => entra.hits(path)), otherHitsBefore)
  await multiTenant.verify(await entra.v2User(TENANT_ID, { jti: 'second' }))
  assert.equal(asked.filter((iss) => iss.includes(TENANT_ID)).length, 1, 'the resolver is asked once per issuer')
})
