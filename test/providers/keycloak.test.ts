/**
 * The keycloak() preset against a realm's documents and tokens: user and service account tokens accepted
 * (the realm's encryption key in the set is ignored), and refused: a token without the Audience mapper
 * (`aud: account`), an ID token, a token of another realm.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keycloak } from '@tokenguard/core'
import { runProviderSuite } from './run-provider.js'
import { startKeycloak, type KeycloakFixture } from './shapes/keycloak.js'

runProviderSuite<KeycloakFixture>({
  name: 'Keycloak preset',
  start: startKeycloak,
  cases: [
    { name: 'user access token (Audience mapper adds the API)', token: (f) => f.userToken(), scopes: ['openid', 'email', 'profile', 'orders:read'] },
    { name: 'service account access token', token: (f) => f.serviceAccountToken(), scopes: ['profile', 'email', 'orders:read'] },
    { name: 'access token without an Audience mapper (aud: account)', token: (f) => f.userToken({ aud: 'account' }), refused: 'audience_mismatch' },
    { name: 'ID token instead of an access token (typ ID, aud = client id)', token: (f) => f.idToken(), refused: 'audience_mismatch' },
    { name: 'access token of another realm', token: (f) => f.otherRealmToken(), refused: 'issuer_mismatch' },
  ],
})

test('keycloak() builds the issuer for current and legacy (/auth) servers', () => {
  assert.equal(keycloak({ baseUrl: 'https://sso.example.com/', realm: 'acme', audience: 'orders-api' }).issuer, 'https://sso.example.com/realms/acme')
  assert.equal(keycloak({ baseUrl: 'https://sso.example.com/auth', realm: 'acme', audience: 'orders-api' }).issuer, 'https://sso.example.com/auth/realms/acme')
  assert.throws(() => keycloak({ baseUrl: 'sso.example.com', realm: 'acme', audience: 'x' }), TypeError)
  assert.throws(() => keycloak({ baseUrl: 'https://sso.example.com', realm: '', audience: 'x' }), TypeError)
})
