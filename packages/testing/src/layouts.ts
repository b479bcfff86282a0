/**
 * Where each provider puts its issuer and key set, as `createTestIssuer()` options, so that tokenguard's
 * provider presets, pointed at the test issuer's origin, find the documents where they look for them.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer(layouts.keycloak({ realm: 'acme' }))
 * const verifier = createVerifier(keycloak({ baseUrl: issuer.origin, realm: 'acme', audience: issuer.audience }))
 * ```
 */

/** The paths of one provider's issuer and JWK Set on the test issuer's origin. */
export interface IssuerLayout {
  /** The issuer's path on the origin (`issuer` = origin + path). */
  path: string
  /** The JWK Set's path on the origin. */
  jwksPath: string
}

/** Auth0: the issuer is the tenant's origin with a trailing slash; keys at `/.well-known/jwks.json`. Preset: `auth0({ domain, audience, baseUrl: origin })`. */
export function auth0(): IssuerLayout {
  return { path: '/', jwksPath: '/.well-known/jwks.json' }
}

/** Okta custom authorization server `/oauth2/{id}` (default `'default'`); keys at `/oauth2/{id}/v1/keys`. Preset: `okta({ issuer, audience })`. */
export function okta(options: { authorizationServerId?: string } = {}): IssuerLayout {
  const id = encodeURIComponent(options.authorizationServerId ?? 'default')
  return { path: `/oauth2/${id}`, jwksPath: `/oauth2/${id}/v1/keys` }
}

/** Entra ID v2: issuer `/{tenant}/v2.0`, keys at `/{tenant}/discovery/v2.0/keys`. Preset: `entraId({ tenantId, audience, version: 2, loginBaseUrl: origin })`. */
export function entraId(options: { tenantId: string }): IssuerLayout {
  const tenant = requireSegment(options?.tenantId, 'entraId', 'tenantId').toLowerCase()
  return { path: `/${tenant}/v2.0`, jwksPath: `/${tenant}/discovery/v2.0/keys` }
}

/** Cognito: issuer `/{userPoolId}`, keys at `/{userPoolId}/.well-known/jwks.json`. Preset: `cognito({ region, userPoolId, clientId, baseUrl: origin })`. */
export function cognito(options: { userPoolId: string }): IssuerLayout {
  const pool = requireSegment(options?.userPoolId, 'cognito', 'userPoolId')
  return { path: `/${pool}`, jwksPath: `/${pool}/.well-known/jwks.json` }
}

/** Keycloak: issuer `/realms/{realm}`, keys at `/realms/{realm}/protocol/openid-connect/certs`. Preset: `keycloak({ baseUrl: origin, realm, audience })`. */
export function keycloak(options: { realm: string }): IssuerLayout {
  const realm = encodeURIComponent(requireSegment(options?.realm, 'keycloak', 'realm'))
  return { path: `/realms/${realm}`, jwksPath: `/realms/${realm}/protocol/openid-connect/certs` }
}

/** Every layout by provider name. */
export const layouts = Object.freeze({ auth0, okta, entraId, cognito, keycloak })

function requireSegment(value: unknown, provider: string, name: string): string {
  if (typeof value !== 'string' || value === '' || value.includes('/')) {
    throw new TypeError(`@tokenguard/testing: layouts.${provider}() needs "${name}" (a non-empty string without "/")`)
  }
  return value
}
