/**
 * Amazon Cognito on loopback: one user pool's discovery document and key set at Cognito's paths (two
 * keys: Cognito signs access and ID tokens with different ones), and tokens shaped like Cognito's
 * documented access tokens (no `typ`, no `aud`, `client_id`, `token_use: access`, `version: 2`) and ID
 * tokens (`aud` = the app client, `token_use: id`).
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 */
import { randomUUID } from 'node:crypto'
import { cognito } from '@tokenguard/core'
import { createProviderKey, epoch, startProviderIssuer, type ProviderKey } from '../../support/provider-issuer.js'
import type { ProviderFixture } from '../run-provider.js'

export const REGION = 'eu-west-1'
export const USER_POOL_ID = 'eu-west-1_Tk9GuArd1'
export const APP_CLIENT_ID = '4k2n8q1r5t7v9x3z6b0d2f4h6j'
export const M2M_CLIENT_ID = '7m3p5s9u1w4y8a2c6e0g3i5k7l'
export const OTHER_CLIENT_ID = '1a3c5e7g9i2k4m6o8q0s2u4w6y'

export interface CognitoFixture extends ProviderFixture {
  issuer: string
  userAccessToken(claims?: Record<string, unknown>): Promise<string>
  machineAccessToken(): Promise<string>
  idToken(): Promise<string>
  /** An access token of another user pool (its own keys). */
  otherPoolToken(): Promise<string>
}

function publish(base: { kty: string; n: string; e: string }, ids: { kid: string }) {
  return { alg: 'RS256', e: base.e, kid: ids.kid, kty: base.kty, n: base.n, use: 'sig' }
}

export async function startCognito(): Promise<CognitoFixture> {
  const provider = await startProviderIssuer()
  const [accessKey, idKey, otherPool] = await Promise.all([
    createProviderKey('base64', publish),
    createProviderKey('base64', publish),
    createProviderKey('base64', publish),
  ])
  const issuer = `${provider.origin}/${USER_POOL_ID}`
  const domain = 'https://tokenguard-test.auth.eu-west-1.amazoncognito.com'
  provider.serve(`/${USER_POOL_ID}/.well-known/openid-configuration`, () => ({
    authorization_endpoint: `${domain}/oauth2/authorize`,
    end_session_endpoint: `${domain}/logout`,
    id_token_signing_alg_values_supported: ['RS256'],
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${domain}/oauth2/revoke`,
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint: `${domain}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${domain}/oauth2/userInfo`,
  }))
  provider.serve(`/${USER_POOL_ID}/.well-known/jwks.json`, () => ({ keys: [idKey.jwk, accessKey.jwk] }))

  const sign = (key: ProviderKey, payload: Record<string, unknown>) => provider.sign(key, { kid: key.kid, alg: 'RS256' }, payload)
  const session = { sub: '6b1d3f5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f', origin_jti: randomUUID(), event_id: randomUUID(), auth_time: epoch() - 30 }
  const times = () => ({ exp: epoch() + 3_600, iat: epoch(), jti: randomUUID() })
  return {
    options: cognito({ region: REGION, userPoolId: USER_POOL_ID, clientId: [APP_CLIENT_ID, M2M_CLIENT_ID], baseUrl: provider.origin, allowInsecureHttp: true }),
    locations: [`/${USER_POOL_ID}/.well-known/jwks.json`],
    hits: provider.hits,
    misses: provider.misses,
    close: provider.close,
    issuer,
    userAccessToken: (claims = {}) =>
      sign(accessKey, {
        sub: session.sub, 'cognito:groups': ['admins'], iss: issuer, version: 2, client_id: APP_CLIENT_ID, origin_jti: session.origin_jti,
        event_id: session.event_id, token_use: 'access', scope: 'aws.cognito.signin.user.admin openid email', auth_time: session.auth_time,
        ...times(), username: 'alice', ...claims,
      }),
    machineAccessToken: () =>
      sign(accessKey, {
        sub: M2M_CLIENT_ID, token_use: 'access', scope: 'orders-api/orders.read', auth_time: epoch(), iss: issuer, ...times(), version: 2,
        client_id: M2M_CLIENT_ID,
      }),
    idToken: () =>
      sign(idKey, {
        sub: session.sub, 'cognito:groups': ['admins'], email_verified: true, iss: issuer, 'cognito:username': 'alice', origin_jti: session.origin_jti,
        aud: APP_CLIENT_ID, event_id: session.event_id, token_use: 'id', auth_time: session.auth_time, ...times(), email: 'alice@example.com',
      }),
    otherPoolToken: () =>
      sign(otherPool, {
        sub: session.sub, iss: `${provider.origin}/eu-west-1_0therPoo1`, version: 2, client_id: APP_CLIENT_ID, token_use: 'access', scope: 'openid',
        auth_time: epoch(), ...times(), username: 'alice',
      }),
  }
}
