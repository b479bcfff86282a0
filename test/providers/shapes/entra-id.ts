/**
 * Microsoft Entra ID on loopback: per-tenant v1 and v2 discovery documents and key sets at Microsoft's
 * paths (`{login}/{tenant}/v2.0/.well-known/openid-configuration`, `{login}/{tenant}/discovery/v2.0/keys`,
 * `{login}/{tenant}/discovery/keys`), v1 issuers on a separate STS base, and tokens shaped like Entra's
 * documented v1 and v2 access and ID tokens. As at Microsoft, every tenant's tokens are signed with the
 * same keys: only the issuer tells tenants apart.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 * @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 */
import { randomUUID } from 'node:crypto'
import { entraId } from '@tokenguard/core'
import { createProviderKey, epoch, hex, startProviderIssuer, type ProviderIssuer, type ProviderKey } from '../../support/provider-issuer.js'
import type { ProviderFixture } from '../run-provider.js'

export const TENANT_ID = 'b3c1f6a2-4d5e-4f70-9a8b-1c2d3e4f5a6b'
export const OTHER_TENANT_ID = 'e0d9c8b7-a6f5-4e3d-8c2b-1a0f9e8d7c6b'
/** The API's application (client) id and Application ID URI. */
export const API_CLIENT_ID = '4a7e2c9d-1b3f-4e5a-8c6d-2f0b9a8e7d61'
export const API_APP_ID_URI = 'api://tokenguard-orders'
/** The calling application's client id. */
export const CLIENT_APP_ID = 'f2e8d4c0-9b7a-4c3e-a1d5-6b8f0e2c4a97'
/** Microsoft Graph's well-known application id. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'

export interface EntraFixture extends ProviderFixture {
  /** A delegated (user) v2 access token. */
  v2User(tenant?: string, claims?: Record<string, unknown>): Promise<string>
  /** An app-only (client credentials) v2 access token: `roles`, `idtyp: app`, no `scp`. */
  v2App(): Promise<string>
  /** A delegated v1 access token; `aud` is the App ID URI unless given. */
  v1User(tenant?: string, claims?: Record<string, unknown>): Promise<string>
  /** An app-only v1 access token with `aud` = the API's client id. */
  v1App(): Promise<string>
  /** The v2 ID token the client got at sign-in (`aud` = the client's id). */
  v2IdToken(): Promise<string>
}

/** A key as the v2 set lists it (the v1 set is the same without `issuer`); neither set has `alg`. */
function publish(base: { kty: string; n: string; e: string }, ids: { kid: string; x5t: string }) {
  return { kty: base.kty, use: 'sig', kid: ids.kid, x5t: ids.x5t, n: base.n, e: base.e, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }
}

/**
 * Starts the fixture; the preset is configured for `version` with the issuer's origin as `loginBaseUrl`
 * and `{origin}/sts` as `stsBaseUrl`.
 */
export async function startEntraId(version: 1 | 2): Promise<EntraFixture> {
  const provider = await startProviderIssuer()
  const keys = await Promise.all([createProviderKey('sha1-thumbprint', publish), createProviderKey('sha1-thumbprint', publish)])
  const login = provider.origin
  const sts = `${provider.origin}/sts`
  const v2Issuer = (tenant: string) => `${login}/${tenant}/v2.0`
  const v1Issuer = (tenant: string) => `${sts}/${tenant}/`
  for (const tenant of [TENANT_ID, OTHER_TENANT_ID]) serveTenant(provider, keys, tenant, v1Issuer(tenant), v2Issuer(tenant))

  const signingKey = keys[0]!
  const sign = (key: ProviderKey, v1: boolean, payload: Record<string, unknown>) =>
    provider.sign(key, v1 ? { typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid } : { typ: 'JWT', alg: 'RS256', kid: key.kid }, payload)
  const times = () => ({ iat: epoch() - 5, nbf: epoch() - 5, exp: epoch() + 3_900 })
  const opaque = () => ({ aio: `E2Zg${hex(20)}`, rh: `0.A${hex(24)}.`, uti: hex(11) })
  const user = { oid: '5c7d2a91-8e3b-4f6c-a0d9-1b2e3f4a5c6d', sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', name: 'Alice Martin' }

  return {
    options: entraId({ tenantId: TENANT_ID, audience: [API_CLIENT_ID, API_APP_ID_URI], version, loginBaseUrl: login, stsBaseUrl: sts, allowInsecureHttp: true }),
    locations: [version === 2 ? `/${TENANT_ID}/discovery/v2.0/keys` : `/${TENANT_ID}/discovery/keys`],
    hits: provider.hits,
    misses: provider.misses,
    close: provider.close,
    v2User: (tenant = TENANT_ID, claims = {}) =>
      sign(signingKey, false, {
        aud: API_CLIENT_ID, iss: v2Issuer(tenant), ...times(), ...opaque(), azp: CLIENT_APP_ID, azpacr: '0', name: user.name, oid: user.oid,
        preferred_username: 'alice@contoso.example', scp: 'Orders.Read Orders.Write', sid: randomUUID(), sub: user.sub, tid: tenant, ver: '2.0', ...claims,
      }),
    v2App: () =>
      sign(signingKey, false, {
        aud: API_CLIENT_ID, iss: v2Issuer(TENANT_ID), ...times(), ...opaque(), azp: CLIENT_APP_ID, azpacr: '1', idtyp: 'app',
        oid: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', roles: ['Orders.Read.All'], sub: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', tid: TENANT_ID, ver: '2.0',
      }),
    v1User: (tenant = TENANT_ID, claims = {}) =>
      sign(signingKey, true, {
        aud: API_APP_ID_URI, iss: v1Issuer(tenant), ...times(), acr: '1', ...opaque(), amr: ['pwd', 'mfa'], appid: CLIENT_APP_ID, appidacr: '0',
        family_name: 'Martin', given_name: 'Alice', ipaddr: '203.0.113.7', name: user.name, oid: user.oid, scp: 'Orders.Read', sub: user.sub,
        tid: tenant, unique_name: 'alice@contoso.example', upn: 'alice@contoso.example', ver: '1.0', ...claims,
      }),
    v1App: () =>
      sign(signingKey, true, {
        aud: API_CLIENT_ID, iss: v1Issuer(TENANT_ID), ...times(), ...opaque(), appid: CLIENT_APP_ID, appidacr: '1', idp: v1Issuer(TENANT_ID),
        idtyp: 'app', oid: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', roles: ['Orders.Read.All'], sub: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', tid: TENANT_ID, ver: '1.0',
      }),
    v2IdToken: () =>
      sign(signingKey, false, {
        aud: CLIENT_APP_ID, iss: v2Issuer(TENANT_ID), ...times(), ...opaque(), name: user.name, nonce: hex(12), oid: user.oid,
        preferred_username: 'alice@contoso.example', sub: 'Kx1bXn3Qy2Zt9Lm8Vb7Nc6Xd5Se4Rf3Tg2Yh1Uj0Ik', tid: TENANT_ID, ver: '2.0',
      }),
  }
}

function serveTenant(provider: ProviderIssuer, keys: ProviderKey[], tenant: string, v1Issuer: string, v2Issuer: string): void {
  const login = provider.origin
  provider.serve(`/${tenant}/v2.0/.well-known/openid-configuration`, () => ({
    token_endpoint: `${login}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${login}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: v2Issuer,
    authorization_endpoint: `${login}/${tenant}/oauth2/v2.0/authorize`,
    tenant_region_scope: 'EU',
  }))
  provider.serve(`/${tenant}/.well-known/openid-configuration`, () => ({
    token_endpoint: `${login}/${tenant}/oauth2/token`,
    jwks_uri: `${login}/${tenant}/discovery/keys`,
    issuer: v1Issuer,
    authorization_endpoint: `${login}/${tenant}/oauth2/authorize`,
    id_token_signing_alg_values_supported: ['RS256'],
  }))
  provider.serve(`/${tenant}/discovery/v2.0/keys`, () => ({ keys: keys.map((key) => key.jwk) }))
  provider.serve(`/${tenant}/discovery/keys`, () => ({ keys: keys.map(({ jwk: { issuer: _issuer, ...v1 } }) => v1) }))
}
