/**
 * Okta on loopback: a custom authorization server (`/oauth2/default`) with its discovery documents and
 * key set at Okta's paths, and tokens shaped like Okta's documented access tokens (no `typ`, `scp` array,
 * `cid`, `uid`, `ver`, `jti` `AT.…`) and ID tokens; plus an org authorization server token.
 *
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/guides/tokens/
 */
import { okta } from '@tokenguard/core'
import { createProviderKey, epoch, hex, startProviderIssuer, type ProviderKey } from '../../support/provider-issuer.js'
import type { ProviderFixture } from '../run-provider.js'

export const OKTA_AUDIENCE = 'api://default'
export const WEB_CLIENT_ID = '0oa8f2k4l6m8n0p2q4r6'
export const SERVICE_CLIENT_ID = '0oa1b3c5d7e9f1g3h5j7'

export interface OktaFixture extends ProviderFixture {
  issuer: string
  userToken(claims?: Record<string, unknown>): Promise<string>
  serviceToken(): Promise<string>
  idToken(): Promise<string>
  /** An access token of the org authorization server (issuer = the org URL, the org's own keys). */
  orgServerToken(): Promise<string>
}

function publish(base: { kty: string; n: string; e: string }, ids: { kid: string }) {
  return { kty: base.kty, alg: 'RS256', kid: ids.kid, use: 'sig', e: base.e, n: base.n }
}

export async function startOkta(): Promise<OktaFixture> {
  const provider = await startProviderIssuer()
  const [key, orgKey] = await Promise.all([createProviderKey('sha256-thumbprint', publish), createProviderKey('sha256-thumbprint', publish)])
  const issuer = `${provider.origin}/oauth2/default`
  const metadata = () => ({
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    registration_endpoint: `${provider.origin}/oauth2/v1/clients`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'orders:read'],
    introspection_endpoint: `${issuer}/v1/introspect`,
    revocation_endpoint: `${issuer}/v1/revoke`,
  })
  provider.serve('/oauth2/default/.well-known/openid-configuration', metadata)
  provider.serve('/oauth2/default/.well-known/oauth-authorization-server', metadata)
  provider.serve('/oauth2/default/v1/keys', () => ({ keys: [key.jwk] }))
  provider.serve('/oauth2/v1/keys', () => ({ keys: [orgKey.jwk] }))

  const sign = (signer: ProviderKey, payload: Record<string, unknown>) => provider.sign(signer, { kid: signer.kid, alg: 'RS256' }, payload)
  const times = () => ({ iat: epoch(), exp: epoch() + 3_600 })
  return {
    options: okta({ issuer, audience: OKTA_AUDIENCE, allowInsecureHttp: true }),
    locations: ['/oauth2/default/.well-known/openid-configuration', '/oauth2/default/v1/keys'],
    hits: provider.hits,
    misses: provider.misses,
    close: provider.close,
    issuer,
    userToken: (claims = {}) =>
      sign(key, {
        ver: 1, jti: `AT.${hex(20)}`, iss: issuer, aud: OKTA_AUDIENCE, ...times(), cid: WEB_CLIENT_ID, uid: '00u1a2b3c4d5e6f7g8h9',
        scp: ['openid', 'profile', 'orders:read'], auth_time: epoch() - 60, sub: 'alice@example.com', ...claims,
      }),
    serviceToken: () =>
      sign(key, { ver: 1, jti: `AT.${hex(20)}`, iss: issuer, aud: OKTA_AUDIENCE, ...times(), cid: SERVICE_CLIENT_ID, scp: ['orders:read'], sub: SERVICE_CLIENT_ID }),
    idToken: () =>
      sign(key, {
        sub: '00u1a2b3c4d5e6f7g8h9', name: 'Alice Martin', email: 'alice@example.com', ver: 1, iss: issuer, aud: WEB_CLIENT_ID, ...times(),
        jti: `ID.${hex(20)}`, amr: ['pwd'], idp: '00o1a2b3c4d5e6f7g8h9', nonce: hex(12), preferred_username: 'alice@example.com',
        auth_time: epoch() - 60, at_hash: hex(11),
      }),
    orgServerToken: () =>
      sign(orgKey, {
        ver: 1, jti: `AT.${hex(20)}`, iss: provider.origin, aud: provider.origin, ...times(), cid: WEB_CLIENT_ID, uid: '00u1a2b3c4d5e6f7g8h9',
        scp: ['openid', 'okta.users.read.self'], sub: 'alice@example.com',
      }),
  }
}
