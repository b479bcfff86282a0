/**
 * The auth0() preset against Auth0-shaped documents and tokens: accepted shapes, and the mix-ups people
 * make (ID token as access token, issuer without the trailing slash, another API, another tenant).
 */
import { startAuth0, type Auth0Fixture } from './shapes/auth0.js'
import { runProviderSuite } from './run-provider.js'

runProviderSuite<Auth0Fixture>({
  name: 'Auth0 preset',
  start: startAuth0,
  cases: [
    { name: 'user access token (Auth0 profile, aud with /userinfo, RBAC permissions)', token: (f) => f.userToken(), scopes: ['openid', 'profile', 'email', 'read:orders', 'write:orders'] },
    { name: 'client-credentials access token (sub {client}@clients, gty)', token: (f) => f.machineToken(), scopes: ['read:orders'] },
    { name: 'RFC 9068 profile access token (typ at+jwt, client_id, jti)', token: (f) => f.rfc9068Token(), scopes: ['openid', 'profile', 'read:orders'] },
    { name: 'ID token instead of an access token (aud = client id)', token: (f) => f.idToken(), refused: 'audience_mismatch' },
    { name: 'issuer without the trailing slash', token: (f) => f.userToken({ iss: f.issuer.slice(0, -1) }), refused: 'issuer_mismatch' },
    { name: 'access token for another API', token: (f) => f.userToken({ aud: ['https://billing.tokenguard.test', `${f.issuer}userinfo`] }), refused: 'audience_mismatch' },
    { name: 'access token of another tenant (its key is not in this tenant\'s set)', token: (f) => f.otherTenantToken(), refused: 'issuer_mismatch' },
    { name: 'Management API token (aud = https://{domain}/api/v2/)', token: (f) => f.userToken({ aud: `${f.issuer}api/v2/` }), refused: 'audience_mismatch' },
  ],
})
