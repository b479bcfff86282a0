/**
 * The okta() preset against a custom authorization server's documents and tokens: user and service
 * access tokens accepted (scopes from the `scp` array), and refused: an ID token, a token for another
 * audience, an org authorization server token.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { okta } from '@tokenguard/core'
import { runProviderSuite } from './run-provider.js'
import { startOkta, type OktaFixture } from './shapes/okta.js'

runProviderSuite<OktaFixture>({
  name: 'Okta preset',
  start: startOkta,
  cases: [
    { name: 'user access token (no typ, scp array, cid, uid)', token: (f) => f.userToken(), scopes: ['openid', 'profile', 'orders:read'] },
    { name: 'client-credentials access token (sub = cid)', token: (f) => f.serviceToken(), scopes: ['orders:read'] },
    { name: 'ID token instead of an access token (aud = client id)', token: (f) => f.idToken(), refused: 'audience_mismatch' },
    { name: 'access token of another authorization server\'s audience', token: (f) => f.userToken({ aud: 'api://billing' }), refused: 'audience_mismatch' },
    { name: 'org authorization server access token (not meant for your API)', token: (f) => f.orgServerToken(), refused: 'issuer_mismatch' },
  ],
})

test('okta() refuses the org authorization server as issuer', () => {
  assert.throws(() => okta({ issuer: 'https://example.okta.com', audience: 'api://default' }), /custom authorization server/)
  assert.throws(() => okta({ issuer: 'https://example.okta.com/oauth2/default/', audience: 'api://default' }), /no trailing slash/)
  assert.deepEqual(okta({ issuer: 'https://example.okta.com/oauth2/aus1a2b3c4', audience: 'api://orders' }), {
    issuer: 'https://example.okta.com/oauth2/aus1a2b3c4',
    audience: 'api://orders',
    scopeClaims: ['scp'],
    algorithms: ['RS256'],
  })
})
