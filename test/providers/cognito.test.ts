/**
 * The cognito() preset against a user pool's documents and tokens. Cognito access tokens have no `aud`:
 * the app client is in `client_id` (core's `audienceClaim`) and `token_use` tells access from ID tokens
 * (core's `claims`).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cognito } from '@tokenguard/core'
import { runProviderSuite } from './run-provider.js'
import { OTHER_CLIENT_ID, startCognito, type CognitoFixture } from './shapes/cognito.js'

runProviderSuite<CognitoFixture>({
  name: 'Cognito preset',
  start: startCognito,
  cases: [
    { name: 'user access token (no aud, client_id, token_use access)', token: (f) => f.userAccessToken(), scopes: ['aws.cognito.signin.user.admin', 'openid', 'email'] },
    { name: 'client-credentials access token (custom scope)', token: (f) => f.machineAccessToken(), scopes: ['orders-api/orders.read'] },
    { name: 'ID token instead of an access token (token_use id, aud = client, no client_id)', token: (f) => f.idToken(), refused: 'claim_missing' },
    { name: 'access token of another app client of the same pool', token: (f) => f.userAccessToken({ client_id: OTHER_CLIENT_ID }), refused: 'audience_mismatch' },
    { name: 'access token of another user pool', token: (f) => f.otherPoolToken(), refused: 'issuer_mismatch' },
  ],
})

test('cognito() checks the Region against the pool id and builds Cognito\'s locations', () => {
  const options = cognito({ region: 'us-east-1', userPoolId: 'us-east-1_AbCdEfGhI', clientId: '1example23456789' })
  assert.equal(options.issuer, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI')
  assert.equal(options.jwksUri, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI/.well-known/jwks.json')
  assert.equal(options.audienceClaim, 'client_id')
  assert.deepEqual(options.claims, { token_use: 'access' })
  assert.deepEqual(options.requiredClaims, ['client_id', 'token_use'])
  assert.throws(() => cognito({ region: 'eu-west-1', userPoolId: 'us-east-1_AbCdEfGhI', clientId: 'x' }), /eu-west-1_/)
  assert.throws(() => cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC', clientId: [] }), /clientId/)
})
