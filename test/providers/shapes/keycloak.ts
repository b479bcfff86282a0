/**
 * Keycloak on loopback: one realm's discovery document and certificate set at Keycloak's paths (the set
 * also lists the realm's RSA-OAEP encryption key), and tokens shaped like Keycloak's access tokens
 * (`typ: JWT` header, payload `typ: Bearer`, `azp`, `realm_access`, `resource_access`, `scope`) and ID
 * tokens (payload `typ: ID`), with and without an Audience mapper.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#_audience
 */
import { randomUUID } from 'node:crypto'
import { keycloak } from '@tokenguard/core'
import { createProviderKey, epoch, hex, startProviderIssuer, type ProviderKey } from '../../support/provider-issuer.js'
import type { ProviderFixture } from '../run-provider.js'

export const REALM = 'acme'
export const API_AUDIENCE = 'orders-api'
export const WEB_CLIENT = 'web-app'

export interface KeycloakFixture extends ProviderFixture {
  issuer: string
  /** A user's access token; `aud` includes the API (an Audience mapper is configured) unless overridden. */
  userToken(claims?: Record<string, unknown>): Promise<string>
  /** A service account's token (client credentials). */
  serviceAccountToken(): Promise<string>
  idToken(): Promise<string>
  /** A token of another realm on the same server (its own keys). */
  otherRealmToken(): Promise<string>
}

function signatureKey(base: { kty: string; n: string; e: string }, ids: { kid: string; x5t: string }) {
  return { kid: ids.kid, kty: base.kty, alg: 'RS256', use: 'sig', n: base.n, e: base.e, x5t: ids.x5t }
}

function encryptionKey(base: { kty: string; n: string; e: string }, ids: { kid: string; x5t: string }) {
  return { kid: ids.kid, kty: base.kty, alg: 'RSA-OAEP', use: 'enc', n: base.n, e: base.e, x5t: ids.x5t }
}

export async function startKeycloak(): Promise<KeycloakFixture> {
  const provider = await startProviderIssuer()
  const [signing, encryption, otherRealm] = await Promise.all([
    createProviderKey('sha256-thumbprint', signatureKey),
    createProviderKey('sha256-thumbprint', encryptionKey, 'RSA-OAEP'),
    createProviderKey('sha256-thumbprint', signatureKey),
  ])
  const issuer = `${provider.origin}/realms/${REALM}`
  const oidc = `${issuer}/protocol/openid-connect`
  provider.serve(`/realms/${REALM}/.well-known/openid-configuration`, () => ({
    issuer,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    introspection_endpoint: `${oidc}/token/introspect`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    jwks_uri: `${oidc}/certs`,
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials'],
    response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512'],
    scopes_supported: ['openid', 'profile', 'email', 'roles', 'web-origins', 'offline_access', 'orders:read'],
  }))
  provider.serve(`/realms/${REALM}/protocol/openid-connect/certs`, () => ({ keys: [signing.jwk, encryption.jwk] }))

  const sign = (key: ProviderKey, payload: Record<string, unknown>) => provider.sign(key, { alg: 'RS256', typ: 'JWT', kid: key.kid }, payload)
  const times = () => ({ exp: epoch() + 300, iat: epoch(), jti: randomUUID() })
  const user = { sub: '3f6c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f', sid: randomUUID() }
  return {
    options: keycloak({ baseUrl: provider.origin, realm: REALM, audience: API_AUDIENCE, allowInsecureHttp: true }),
    locations: [`/realms/${REALM}/.well-known/openid-configuration`, `/realms/${REALM}/protocol/openid-connect/certs`],
    hits: provider.hits,
    misses: provider.misses,
    close: provider.close,
    issuer,
    userToken: (claims = {}) =>
      sign(signing, {
        ...times(), auth_time: epoch() - 30, iss: issuer, aud: [API_AUDIENCE, 'account'], sub: user.sub, typ: 'Bearer', azp: WEB_CLIENT, sid: user.sid,
        acr: '1', 'allowed-origins': ['https://app.example.com'],
        realm_access: { roles: ['default-roles-acme', 'offline_access', 'uma_authorization'] },
        resource_access: { account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] } },
        scope: 'openid email profile orders:read', email_verified: true, name: 'Alice Martin', preferred_username: 'alice', email: 'alice@example.com',
        ...claims,
      }),
    serviceAccountToken: () =>
      sign(signing, {
        ...times(), iss: issuer, aud: API_AUDIENCE, sub: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', typ: 'Bearer', azp: 'batch-job', acr: '1',
        realm_access: { roles: ['default-roles-acme'] }, scope: 'profile email orders:read', clientHost: '203.0.113.9', email_verified: false,
        preferred_username: 'service-account-batch-job', clientAddress: '203.0.113.9', client_id: 'batch-job',
      }),
    idToken: () =>
      sign(signing, {
        ...times(), auth_time: epoch() - 30, iss: issuer, aud: WEB_CLIENT, sub: user.sub, typ: 'ID', azp: WEB_CLIENT, nonce: hex(12), sid: user.sid,
        at_hash: hex(11), acr: '1', email_verified: true, preferred_username: 'alice', email: 'alice@example.com',
      }),
    otherRealmToken: () =>
      sign(otherRealm, {
        ...times(), iss: `${provider.origin}/realms/other`, aud: [API_AUDIENCE], sub: user.sub, typ: 'Bearer', azp: WEB_CLIENT, scope: 'orders:read',
      }),
  }
}
