/**
 * Provider presets: plain functions that return {@link TokenClientOptions} with one provider's token
 * endpoint and quirks, using the same option names and checks as @tokenguard/core's presets. Spread the
 * result and override anything.
 *
 * @example
 * ```ts
 * import { createTokenClient } from '@tokenguard/client'
 * import { auth0 } from '@tokenguard/client/presets'
 * const tokens = createTokenClient(auth0({ domain: 'my-tenant.eu.auth0.com', clientId, clientSecret, audience: 'https://api.example.com' }))
 * ```
 */
export type { TokenClientOptions } from '../options.js'
export { auth0 } from './auth0.js'
export type { Auth0PresetOptions } from './auth0.js'
export { entraId } from './entra-id.js'
export type { EntraIdPresetOptions } from './entra-id.js'
export { keycloak } from './keycloak.js'
export type { KeycloakPresetOptions } from './keycloak.js'
export { okta } from './okta.js'
export type { OktaPresetOptions } from './okta.js'
export type { CommonOptions as PresetCommonOptions } from './shared.js'
