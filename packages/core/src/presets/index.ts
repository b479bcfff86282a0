/**
 * Provider presets: plain functions that return {@link VerifierOptions} for one provider's access tokens.
 * Nothing happens behind them: spread the result and override anything.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@tokenguard/core'
 * import { auth0 } from '@tokenguard/core/presets'
 * const verifier = createVerifier({ ...auth0({ domain: 'my-tenant.eu.auth0.com', audience: 'https://api.example.com' }), realm: 'api' })
 * ```
 */
export type { VerifierOptions } from '../options.js'
export { auth0 } from './auth0.js'
export type { Auth0PresetOptions } from './auth0.js'
export { cognito } from './cognito.js'
export type { CognitoPresetOptions } from './cognito.js'
export { entraId } from './entra-id.js'
export type { EntraIdPresetOptions } from './entra-id.js'
export { keycloak } from './keycloak.js'
export type { KeycloakPresetOptions } from './keycloak.js'
export { okta } from './okta.js'
export type { OktaPresetOptions } from './okta.js'
