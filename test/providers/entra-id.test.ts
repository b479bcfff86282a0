/**
 * The entraId() preset for v2 and v1 APIs against Entra-shaped documents and tokens: delegated and
 * app-only tokens accepted (scopes from `scp` and `roles`), and refused: the other version's token, a
 * token of another tenant (same signing keys), an ID token, a Microsoft Graph token.
 */
import { runProviderSuite } from './run-provider.js'
import { API_CLIENT_ID, GRAPH_APP_ID, OTHER_TENANT_ID, startEntraId, type EntraFixture } from './shapes/entra-id.js'

runProviderSuite<EntraFixture>({
  name: 'Entra ID preset, v2 API',
  start: () => startEntraId(2),
  cases: [
    { name: 'delegated v2 access token (scp)', token: (f) => f.v2User(), scopes: ['Orders.Read', 'Orders.Write'] },
    { name: 'app-only v2 access token (roles, idtyp app)', token: (f) => f.v2App(), scopes: ['Orders.Read.All'] },
    { name: 'v1 token on a v2 configuration', token: (f) => f.v1User(undefined, { aud: API_CLIENT_ID }), refused: 'issuer_mismatch' },
    { name: 'v2 token of another tenant (signed by the same keys)', token: (f) => f.v2User(OTHER_TENANT_ID), refused: 'issuer_mismatch' },
    { name: 'v2 ID token instead of an access token', token: (f) => f.v2IdToken(), refused: 'audience_mismatch' },
    { name: 'Microsoft Graph access token sent to this API', token: (f) => f.v2User(undefined, { aud: GRAPH_APP_ID, scp: 'User.Read' }), refused: 'audience_mismatch' },
  ],
})

runProviderSuite<EntraFixture>({
  name: 'Entra ID preset, v1 API',
  start: () => startEntraId(1),
  cases: [
    { name: 'delegated v1 access token, aud = Application ID URI', token: (f) => f.v1User(), scopes: ['Orders.Read'] },
    { name: 'app-only v1 access token, aud = client id', token: (f) => f.v1App(), scopes: ['Orders.Read.All'] },
    { name: 'v2 token on a v1 configuration', token: (f) => f.v2User(), refused: 'issuer_mismatch' },
    { name: 'v1 token of another tenant (signed by the same keys)', token: (f) => f.v1User(OTHER_TENANT_ID), refused: 'issuer_mismatch' },
  ],
})
