/**
 * Provider shapes and layouts of @tokenguard/testing: each provider's client-credentials token, minted on a
 * test issuer laid out like that provider, verifies through tokenguard's preset for it (pointed at the
 * issuer's origin), and has the same claim names and header members as tokenguard's own provider
 * fixtures (test/providers/shapes), which document each provider's tokens.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { auth0, cognito, createVerifier, entraId, keycloak, okta, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, layouts, shapes, type TestIssuer, type TestIssuerOptions } from '@tokenguard/testing'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { startAuth0 } from '../providers/shapes/auth0.js'
import { startCognito } from '../providers/shapes/cognito.js'
import { startEntraId } from '../providers/shapes/entra-id.js'
import { startKeycloak } from '../providers/shapes/keycloak.js'
import { startOkta } from '../providers/shapes/okta.js'

const TENANT = 'b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b'
const POOL = 'eu-west-1_Tk9GuArd1'
const SCOPES = ['orders.read', 'orders.write']

interface ProviderCase {
  name: 'auth0' | 'okta' | 'entraId' | 'cognito' | 'keycloak'
  layout: TestIssuerOptions
  preset(issuer: TestIssuer): VerifierOptions
  /** A client-credentials token of tokenguard's own fixture for this provider, and how to stop the fixture. */
  reference(): Promise<{ token: string; close(): Promise<void> }>
  /** The `typ` header the provider sends, if any. */
  typ: string | undefined
}

const CASES: ProviderCase[] = [
  {
    name: 'auth0', layout: layouts.auth0(), typ: 'JWT',
    preset: (issuer) => auth0({ domain: 'tenant.example.test', audience: issuer.audience, baseUrl: issuer.origin, allowInsecureHttp: true }),
    reference: async () => { const f = await startAuth0(); return { token: await f.machineToken(), close: f.close } },
  },
  {
    name: 'okta', layout: layouts.okta(), typ: undefined,
    preset: (issuer) => okta({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true }),
    reference: async () => { const f = await startOkta(); return { token: await f.serviceToken(), close: f.close } },
  },
  {
    name: 'entraId', layout: layouts.entraId({ tenantId: TENANT }), typ: 'JWT',
    preset: (issuer) => entraId({ tenantId: TENANT, audience: issuer.audience, version: 2, loginBaseUrl: issuer.origin, allowInsecureHttp: true }),
    reference: async () => { const f = await startEntraId(2); return { token: await f.v2App(), close: f.close } },
  },
  {
    name: 'cognito', layout: layouts.cognito({ userPoolId: POOL }), typ: undefined,
    preset: (issuer) => cognito({ region: 'eu-west-1', userPoolId: POOL, clientId: issuer.clientId, baseUrl: issuer.origin, allowInsecureHttp: true }),
    reference: async () => { const f = await startCognito(); return { token: await f.machineAccessToken(), close: f.close } },
  },
  {
    name: 'keycloak', layout: layouts.keycloak({ realm: 'acme' }), typ: 'JWT',
    preset: (issuer) => keycloak({ baseUrl: issuer.origin, realm: 'acme', audience: issuer.audience, allowInsecureHttp: true }),
    reference: async () => { const f = await startKeycloak(); return { token: await f.serviceAccountToken(), close: f.close } },
  },
]

for (const entry of CASES) {
  describe(`${entry.name} shape`, () => {
    let issuer: TestIssuer
    before(async () => {
      issuer = await createTestIssuer(entry.layout)
    })
    after(() => issuer.stop())

    test(`sign.${entry.name}() verifies through the ${entry.name} preset, at the provider's paths only`, async () => {
      const verifier = createVerifier(entry.preset(issuer))
      const auth = await verifier.verify(await issuer.sign[entry.name]({}, { scope: SCOPES }))
      assert.deepEqual([...auth.scopes].sort(), SCOPES)
      assert.equal(issuer.requests.other, 0, 'the preset looked only where the provider serves')
      assert.equal(issuer.requests.jwks, 1)
      await assert.rejects(verifier.verify(await issuer.sign[entry.name]({}, { expired: true })), { status: 401, reason: 'token_expired' })
    })

    test('claim names and header members match tokenguard\'s fixture of the provider', async () => {
      const reference = await entry.reference()
      try {
        const ours = await issuer.sign[entry.name]({}, { scope: ['orders-api/orders.read'] })
        assert.deepEqual(Object.keys(decodeJwt(ours)).sort(), Object.keys(decodeJwt(reference.token)).sort())
        assert.deepEqual(Object.keys(decodeProtectedHeader(ours)).sort(), Object.keys(decodeProtectedHeader(reference.token)).sort())
        assert.equal(decodeProtectedHeader(ours).typ, entry.typ)
      } finally {
        await reference.close()
      }
    })
  })
}

describe('provider-specific values', () => {
  const input = { issuer: 'https://login.example.test/b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b/v2.0', audience: 'api://orders', clientId: 'svc', scope: 'a b' }

  test('Auth0: sub is {client}@clients, gty and azp, permissions mirror the scopes unless turned off', () => {
    const { claims } = shapes.auth0(input)
    assert.equal(claims.sub, 'svc@clients')
    assert.equal(claims.gty, 'client-credentials')
    assert.equal(claims.azp, 'svc')
    assert.equal(claims.scope, 'a b')
    assert.deepEqual(claims.permissions, ['a', 'b'])
    assert.ok(!('permissions' in shapes.auth0({ ...input, permissions: false }).claims))
  })

  test('Okta: scp is an array, cid is the client, jti starts with AT.', () => {
    const { claims, header } = shapes.okta(input)
    assert.deepEqual(claims.scp, ['a', 'b'])
    assert.equal(claims.cid, 'svc')
    assert.match(String(claims.jti), /^AT\./)
    assert.deepEqual(header, {})
  })

  test('Entra ID: tid from the issuer path, roles, ver 2.0, the same oid (= sub) for the same client', () => {
    const { claims } = shapes.entraId(input)
    assert.equal(claims.tid, 'b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b')
    assert.deepEqual(claims.roles, ['a', 'b'])
    assert.equal(claims.ver, '2.0')
    assert.equal(claims.idtyp, 'app')
    assert.equal(claims.sub, claims.oid)
    assert.equal(shapes.entraId(input).claims.oid, claims.oid)
    assert.equal(shapes.entraId({ ...input, tenantId: 'other' }).claims.tid, 'other')
  })

  test('Cognito: no aud unless given, client_id, token_use access', () => {
    const { claims } = shapes.cognito({ ...input, audience: undefined })
    assert.ok(!('aud' in claims))
    assert.equal(claims.client_id, 'svc')
    assert.equal(claims.token_use, 'access')
    assert.equal(claims.version, 2)
  })

  test('Keycloak: realm from the issuer, payload typ Bearer, service-account user name', () => {
    const { claims } = shapes.keycloak({ ...input, issuer: 'http://127.0.0.1:1/realms/acme' })
    assert.deepEqual(claims.realm_access, { roles: ['default-roles-acme'] })
    assert.equal(claims.typ, 'Bearer')
    assert.equal(claims.preferred_username, 'service-account-svc')
  })

  test('no scopes: the scope claim is left out rather than empty', () => {
    for (const name of ['rfc9068', 'okta', 'entraId', 'cognito', 'keycloak'] as const) {
      const { claims } = shapes[name]({ issuer: input.issuer })
      for (const claim of ['scope', 'scp', 'roles']) assert.ok(!(claim in claims), `${name}: ${claim}`)
    }
  })

  test('layouts refuse segments that would change the path', () => {
    assert.throws(() => layouts.keycloak({ realm: 'a/b' }), /without "\/"/)
    assert.throws(() => layouts.entraId({ tenantId: '' }), /needs "tenantId"/)
  })
})
