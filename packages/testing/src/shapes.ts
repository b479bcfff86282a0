/**
 * Access tokens shaped as each provider issues them for the client-credentials grant: the claims (names,
 * types, which are left out) and the `typ` header. Facts from the providers' token references; only the
 * values are invented.
 *
 * @see https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/guides/tokens/
 * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * @see https://www.keycloak.org/docs/latest/server_admin/#_oidc_token_and_saml_assertion_mappings
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** What every shape is built from. */
export interface ShapeInput {
  /** The token's `iss`. Required. */
  issuer: string
  /** The token's `aud`; left out when `undefined` (as Cognito access tokens have it). */
  audience?: string | readonly string[] | undefined
  /** The client the token was issued to. Default is `'test-client'`. */
  clientId?: string | undefined
  /** Granted scopes, as a space-delimited string or a list. Default is none: the scope claim is left out. */
  scope?: string | readonly string[] | undefined
  /** Issue time, in seconds since the epoch. Default is now. */
  now?: number | undefined
  /** Lifetime, in seconds. Default is 300 (5 minutes). */
  expiresIn?: number | undefined
}

/** Auth0's extra input. */
export interface Auth0ShapeInput extends ShapeInput {
  /** RBAC with "Add Permissions in the Access Token": a `permissions` array equal to the scopes. Default is `true`. */
  permissions?: boolean | undefined
}

/** Entra ID's extra input. */
export interface EntraIdShapeInput extends ShapeInput {
  /** The directory (tenant) id in `tid`. Default is the GUID in the issuer's `/{tenant}/v2.0` path, else a fixed GUID. */
  tenantId?: string | undefined
}

/** Keycloak's extra input. */
export interface KeycloakShapeInput extends ShapeInput {
  /** The realm, for `realm_access`'s default role. Default is the `/realms/{realm}` of the issuer, else `'test'`. */
  realm?: string | undefined
}

/** A token's protected header members (beyond `alg` and `kid`) and its claims. */
export interface TokenShape {
  /** `typ` as the provider sets it; absent when the provider sends none. */
  header: { typ?: string }
  claims: Record<string, unknown>
}

export const DEFAULT_CLIENT_ID = 'test-client'
export const DEFAULT_LIFETIME = 300
/** Stands in for a tenant id when the issuer does not name one. */
export const DEFAULT_TENANT_ID = '7e3f1c2a-5b4d-4e6f-8a9b-0c1d2e3f4a5b'

function basics(input: ShapeInput) {
  const now = input.now ?? Math.floor(Date.now() / 1000)
  const scopes = typeof input.scope === 'string' ? input.scope.split(' ').filter(Boolean) : [...(input.scope ?? [])]
  const aud = input.audience === undefined ? {} : { aud: typeof input.audience === 'string' ? input.audience : [...input.audience] }
  return { now, exp: now + (input.expiresIn ?? DEFAULT_LIFETIME), clientId: input.clientId ?? DEFAULT_CLIENT_ID, scopes, aud }
}

/** `{ [name]: value }` when there is anything to say, else nothing (providers leave empty scope claims out). */
const when = (name: string, scopes: string[], value: unknown) => (scopes.length === 0 ? {} : { [name]: value })

/** The same GUID for the same seed: stable object ids for a client, as a provider keeps them. */
function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** RFC 9068 (`typ: at+jwt`, `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti`, `scope`): the default of `sign()`. */
export function rfc9068(input: ShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  return {
    header: { typ: 'at+jwt' },
    claims: { iss: input.issuer, ...aud, sub: clientId, client_id: clientId, iat: now, exp, jti: randomUUID(), ...when('scope', scopes, scopes.join(' ')) },
  }
}

/** Auth0 (Auth0 token profile): `typ: JWT`, `sub` `{client}@clients`, `azp`, `gty: client-credentials`, `scope`, RBAC `permissions`. */
export function auth0(input: Auth0ShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  const permissions = input.permissions === false ? {} : { permissions: scopes }
  return {
    header: { typ: 'JWT' },
    claims: { iss: input.issuer, sub: `${clientId}@clients`, ...aud, iat: now, exp, ...when('scope', scopes, scopes.join(' ')), gty: 'client-credentials', azp: clientId, ...permissions },
  }
}

/** Okta custom authorization server: no `typ`, `ver: 1`, `jti` `AT.…`, `cid`, `scp` as an array, `sub` = the client. */
export function okta(input: ShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  return {
    header: {},
    claims: { ver: 1, jti: `AT.${randomBytes(30).toString('base64url')}`, iss: input.issuer, ...aud, iat: now, exp, cid: clientId, ...when('scp', scopes, scopes), sub: clientId },
  }
}

/** Entra ID v2 app-only token: `typ: JWT`, `azp`, `azpacr`, `idtyp: app`, `oid` = `sub`, `roles`, `tid`, `ver: '2.0'`, `nbf`. */
export function entraId(input: EntraIdShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  const tenantId = input.tenantId ?? /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0$/i.exec(input.issuer)?.[1] ?? DEFAULT_TENANT_ID
  const servicePrincipal = stableGuid(`${tenantId}/${clientId}`)
  return {
    header: { typ: 'JWT' },
    claims: {
      ...aud, iss: input.issuer, iat: now, nbf: now, exp, aio: randomBytes(40).toString('base64url'), azp: clientId, azpacr: '1', idtyp: 'app',
      oid: servicePrincipal, rh: `0.${randomBytes(40).toString('base64url')}.`, ...when('roles', scopes, scopes), sub: servicePrincipal, tid: tenantId,
      uti: randomBytes(16).toString('base64url'), ver: '2.0',
    },
  }
}

/** Amazon Cognito: no `typ`, no `aud`, `client_id`, `token_use: access`, `scope`, `version: 2`, `auth_time`. */
export function cognito(input: ShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  return {
    header: {},
    claims: {
      ...aud, sub: clientId, token_use: 'access', ...when('scope', scopes, scopes.join(' ')), auth_time: now, iss: input.issuer, exp, iat: now, version: 2,
      jti: randomUUID(), client_id: clientId,
    },
  }
}

/** Keycloak service account: `typ: JWT` header, payload `typ: Bearer`, `azp`, `scope`, `realm_access`, `client_id`. */
export function keycloak(input: KeycloakShapeInput): TokenShape {
  const { now, exp, clientId, scopes, aud } = basics(input)
  const realm = input.realm ?? /\/realms\/([^/]+)$/.exec(input.issuer)?.[1] ?? 'test'
  return {
    header: { typ: 'JWT' },
    claims: {
      exp, iat: now, jti: randomUUID(), iss: input.issuer, ...aud, sub: stableGuid(`${realm}/${clientId}`), typ: 'Bearer', azp: clientId, acr: '1',
      realm_access: { roles: [`default-roles-${decodeURIComponent(realm)}`] }, ...when('scope', scopes, scopes.join(' ')), clientHost: '127.0.0.1',
      email_verified: false, preferred_username: `service-account-${clientId}`, clientAddress: '127.0.0.1', client_id: clientId,
    },
  }
}

/** Every shape by name. */
export const shapes = Object.freeze({ rfc9068, auth0, okta, entraId, cognito, keycloak })

export type ShapeName = keyof typeof shapes

/** The input members each shape reads beyond {@link ShapeInput}. */
export const SHAPE_EXTRAS: Readonly<Record<ShapeName, readonly string[]>> = Object.freeze({
  rfc9068: [], auth0: ['permissions'], okta: [], entraId: ['tenantId'], cognito: [], keycloak: ['realm'],
})
