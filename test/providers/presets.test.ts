/**
 * The presets' own output for the real providers (no overrides): exact issuer strings, key locations and
 * scope claims as each provider documents them, and startup errors for inputs that can never match a
 * token. Also: the `@tokenguard/core/presets` subpath exports the same functions.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as core from '@tokenguard/core'
import { auth0, cognito, entraId, keycloak, okta } from '@tokenguard/core/presets'

const TENANT = 'b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b'

describe('presets for the real providers', () => {
  test('auth0: issuer with the trailing slash, discovery from it, scope + permissions', () => {
    assert.deepEqual(auth0({ domain: 'My-Tenant.eu.auth0.com', audience: 'https://api.example.com' }), {
      issuer: 'https://my-tenant.eu.auth0.com/',
      audience: 'https://api.example.com',
      scopeClaims: ['scope', 'permissions'],
      algorithms: ['RS256', 'PS256'],
    })
    assert.equal(auth0({ domain: 'login.example.com', audience: 'x' }).issuer, 'https://login.example.com/')
  })

  test('entraId v2 and v1: issuers and per-version key locations', () => {
    assert.deepEqual(entraId({ tenantId: TENANT.toUpperCase(), audience: ['client-id', 'api://orders'], version: 2 }), {
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      audience: ['client-id', 'api://orders'],
      scopeClaims: ['scp', 'roles'],
      algorithms: ['RS256'],
    })
    assert.deepEqual(entraId({ tenantId: TENANT, audience: 'api://orders', version: 1 }), {
      issuer: `https://sts.windows.net/${TENANT}/`,
      jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/keys`,
      audience: 'api://orders',
      scopeClaims: ['scp', 'roles'],
      algorithms: ['RS256'],
    })
  })

  test('cognito: Cognito\'s issuer and key set location', () => {
    const options = cognito({ region: 'ap-southeast-2', userPoolId: 'ap-southeast-2_Xy12Ab34C', clientId: '1example23456789' })
    assert.equal(options.issuer, 'https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Xy12Ab34C')
    assert.equal(options.jwksUri, `${options.issuer}/.well-known/jwks.json`)
    assert.deepEqual(options.scopeClaims, ['scope'])
  })

  test('keycloak and okta: issuers as configured', () => {
    assert.equal(keycloak({ baseUrl: 'https://sso.example.com', realm: 'acme', audience: 'orders-api' }).issuer, 'https://sso.example.com/realms/acme')
    assert.equal(okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }).issuer, 'https://example.okta.com/oauth2/default')
  })

  test('every preset result is accepted by createVerifier', () => {
    for (const options of [
      auth0({ domain: 'my-tenant.eu.auth0.com', audience: 'https://api.example.com' }),
      okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }),
      entraId({ tenantId: TENANT, audience: 'client-id', version: 2 }),
      keycloak({ baseUrl: 'https://sso.example.com', realm: 'acme', audience: 'orders-api' }),
      cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEfGhI', clientId: 'client' }),
    ]) {
      assert.equal(core.createVerifier(options).settings.issuers[0], options.issuer)
    }
  })
})

describe('preset inputs that can never match a token are refused at startup', () => {
  test('auth0: a URL instead of a domain, a missing audience', () => {
    assert.throws(() => auth0({ domain: 'https://my-tenant.eu.auth0.com/', audience: 'x' }), /host name/)
    assert.throws(() => auth0({ domain: 'my-tenant.eu.auth0.com', audience: '' }), /audience/)
    assert.throws(() => auth0({ domain: 'my-tenant.eu.auth0.com', audience: 'x', baseUrl: 'http://127.0.0.1:1/?x' }), /baseUrl/)
  })

  test('entraId: tenant aliases, domain names, a missing version', () => {
    for (const tenantId of ['common', 'organizations', 'consumers', 'contoso.onmicrosoft.com']) {
      assert.throws(() => entraId({ tenantId, audience: 'x', version: 2 }), /GUID/, tenantId)
    }
    assert.throws(() => entraId({ tenantId: TENANT, audience: 'x' } as never), /version/)
    assert.throws(() => entraId({ tenantId: TENANT, audience: 'x', version: 3 as never }), /version/)
  })

  test('cognito: a malformed Region or pool id', () => {
    assert.throws(() => cognito({ region: 'EU-WEST-1', userPoolId: 'EU-WEST-1_x', clientId: 'c' }), /Region/)
    assert.throws(() => cognito({ region: 'eu-west-1', userPoolId: 'AbCdEfGhI', clientId: 'c' }), /userPoolId/)
  })
})

describe('presets pin the algorithms their provider signs with', () => {
  test('Auth0 RS256 and PS256; Okta, Entra ID and Cognito RS256; Keycloak RS256 unless told otherwise', () => {
    const pinned = {
      auth0: auth0({ domain: 'my-tenant.eu.auth0.com', audience: 'x' }),
      okta: okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }),
      entraId: entraId({ tenantId: TENANT, audience: 'x', version: 2 }),
      cognito: cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEfGhI', clientId: 'c' }),
      keycloak: keycloak({ baseUrl: 'https://sso.example.com', realm: 'acme', audience: 'x' }),
    }
    assert.deepEqual(Object.fromEntries(Object.entries(pinned).map(([name, options]) => [name, core.createVerifier(options).settings.algorithms])), {
      auth0: ['RS256', 'PS256'],
      okta: ['RS256'],
      entraId: ['RS256'],
      cognito: ['RS256'],
      keycloak: ['RS256'],
    })
    assert.deepEqual(keycloak({ baseUrl: 'https://sso.example.com', realm: 'acme', audience: 'x', algorithms: ['ES256'] }).algorithms, ['ES256'])
  })

  test('a token signed with another algorithm, by a key of the set, is refused as algorithm_not_allowed', async () => {
    const { generateSigningKey } = await import('../support/key-server.js')
    const { signToken } = await import('../support/local-tokens.js')
    const es256 = await generateSigningKey('ES256')
    const preset = keycloak({ baseUrl: 'https://issuer.tokenguard.test', realm: 'acme', audience: 'https://api.tokenguard.test' })
    const verifier = core.createVerifier({ ...preset, jwks: { keys: [es256.publicJwk] } })
    const token = await signToken(es256, { iss: preset.issuer })
    await assert.rejects(verifier.verify(token), (error: unknown) => core.isTokenGuardError(error) && error.reason === 'algorithm_not_allowed')
  })
})

test('@tokenguard/core/presets and @tokenguard/core export the same presets', () => {
  assert.equal(core.auth0, auth0)
  assert.equal(core.okta, okta)
  assert.equal(core.entraId, entraId)
  assert.equal(core.keycloak, keycloak)
  assert.equal(core.cognito, cognito)
})
