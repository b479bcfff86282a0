/**
 * Auth0 on loopback: the tenant's discovery document and JWK Set at Auth0's paths, and tokens shaped like
 * Auth0's documented access tokens (Auth0 and RFC 9068 profiles, user and client-credentials grants) and
 * ID tokens. The issuer keeps Auth0's trailing slash.
 *
 * @see https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 * @see https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure
 */
import { auth0 } from '@tokenguard/core'
import { createProviderKey, epoch, hex, startProviderIssuer, type ProviderKey } from '../../support/provider-issuer.js'
import type { ProviderFixture } from '../run-provider.js'

export const AUTH0_DOMAIN = 'tokenguard-test.eu.auth0.com'
export const AUTH0_API = 'https://orders.tokenguard.test'
export const SPA_CLIENT_ID = 'Qm9vdHN0cmFwU3BhQ2xpZW50SWQxMjM0'
export const M2M_CLIENT_ID = 'TWFjaGluZTJNYWNoaW5lQ2xpZW50SWQ1'

export interface Auth0Fixture extends ProviderFixture {
  /** `http://127.0.0.1:PORT/`: the tenant's issuer, trailing slash included. */
  issuer: string
  /** A user's access token (Auth0 profile: `typ: JWT`, `aud` with `/userinfo`, `azp`, RBAC `permissions`). */
  userToken(claims?: Record<string, unknown>): Promise<string>
  /** A client-credentials access token (Auth0 profile: `sub` `{client}@clients`, `gty`). */
  machineToken(): Promise<string>
  /** A user's access token under the RFC 9068 profile (`typ: at+jwt`, `client_id`, `jti`). */
  rfc9068Token(): Promise<string>
  /** The ID token issued with the user's login: `aud` is the application's client id. */
  idToken(): Promise<string>
  /** A token of another Auth0 tenant, signed by that tenant's key. */
  otherTenantToken(): Promise<string>
}

function publish(base: { kty: string; n: string; e: string }, ids: { kid: string; x5t: string }) {
  // Auth0 lists kty, use, n, e, kid, x5t, x5c, alg; the certificate chain is left out (never read).
  return { kty: base.kty, use: 'sig', n: base.n, e: base.e, kid: ids.kid, x5t: ids.x5t, alg: 'RS256' }
}

export async function startAuth0(): Promise<Auth0Fixture> {
  const provider = await startProviderIssuer()
  // Auth0 publishes the current and the next signing key.
  const [current, next, stranger] = await Promise.all([
    createProviderKey('random', publish),
    createProviderKey('random', publish),
    createProviderKey('random', publish),
  ])
  const issuer = `${provider.origin}/`
  provider.serve('/.well-known/openid-configuration', () => ({
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    device_authorization_endpoint: `${issuer}oauth/device/code`,
    userinfo_endpoint: `${issuer}userinfo`,
    mfa_challenge_endpoint: `${issuer}mfa/challenge`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    registration_endpoint: `${issuer}oidc/register`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'email', 'email_verified'],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  }))
  provider.serve('/.well-known/jwks.json', () => ({ keys: [current.jwk, next.jwk] }))

  const sign = (key: ProviderKey, typ: string, payload: Record<string, unknown>) => provider.sign(key, { alg: 'RS256', typ, kid: key.kid }, payload)
  const times = () => ({ iat: epoch(), exp: epoch() + 86_400 })

  return {
    options: auth0({ domain: AUTH0_DOMAIN, audience: AUTH0_API, baseUrl: provider.origin, allowInsecureHttp: true }),
    locations: ['/.well-known/openid-configuration', '/.well-known/jwks.json'],
    hits: provider.hits,
    misses: provider.misses,
    close: provider.close,
    issuer,
    userToken: (claims = {}) =>
      sign(current, 'JWT', {
        iss: issuer, sub: 'auth0|64f1c2d3e4f5a6b7c8d9e0f1', aud: [AUTH0_API, `${issuer}userinfo`], ...times(), azp: SPA_CLIENT_ID,
        scope: 'openid profile email read:orders', permissions: ['read:orders', 'write:orders'], ...claims,
      }),
    machineToken: () =>
      sign(current, 'JWT', {
        iss: issuer, sub: `${M2M_CLIENT_ID}@clients`, aud: AUTH0_API, ...times(), scope: 'read:orders', gty: 'client-credentials', azp: M2M_CLIENT_ID,
        permissions: ['read:orders'],
      }),
    rfc9068Token: () =>
      sign(current, 'at+jwt', {
        iss: issuer, sub: 'auth0|64f1c2d3e4f5a6b7c8d9e0f1', aud: [AUTH0_API, `${issuer}userinfo`], client_id: SPA_CLIENT_ID, ...times(), jti: hex(11),
        scope: 'openid profile read:orders',
      }),
    idToken: () =>
      sign(current, 'JWT', {
        given_name: 'Alice', family_name: 'Martin', nickname: 'alice', name: 'Alice Martin', picture: 'https://example.com/alice.png',
        updated_at: '2026-01-15T10:00:00.000Z', email: 'alice@example.com', email_verified: true,
        iss: issuer, aud: SPA_CLIENT_ID, sub: 'auth0|64f1c2d3e4f5a6b7c8d9e0f1', ...times(), sid: hex(16), nonce: hex(12),
      }),
    otherTenantToken: () =>
      sign(stranger, 'JWT', {
        iss: 'https://another-tenant.us.auth0.com/', sub: 'auth0|1', aud: AUTH0_API, ...times(), azp: SPA_CLIENT_ID, scope: 'read:orders',
      }),
  }
}
