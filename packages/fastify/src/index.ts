import fp from 'fastify-plugin'
import { tokenguardPlugin } from './plugin.js'
import type { TokenguardPluginOptions } from './types.js'

/**
 * Makes every route of the Fastify instance an OAuth 2.0 protected resource (RFC 6750 bearer tokens),
 * unless the route opts out with `config: { auth: false }`.
 *
 * @example
 * ```ts
 * await app.register(tokenguard, { issuer: 'https://id.example.com/', audience: 'https://api.example.com' })
 * app.get('/public', { config: { auth: false } }, () => 'ok')
 * app.get('/data', { config: { auth: { scopes: ['read:data'] } } }, (request) => request.auth?.claims.sub)
 * ```
 */
const tokenguard = fp<TokenguardPluginOptions>(tokenguardPlugin, { fastify: '5.x', name: '@tokenguard/fastify' })

export default tokenguard
export { tokenguard }
export type { AuthClaims, PluginOptions, RouteAuthConfig, TokenguardPluginOptions } from './types.js'
export { includes } from '@tokenguard/core'
export { AuthenticationMissingError, ClaimCheckUnavailableError, InsufficientScopeError, InvalidRequestError, InvalidTokenError, isTokenGuardError, KeysUnavailableError, MissingTokenError, TokenGuardError } from '@tokenguard/core'
export type { AuthContext, Duration, Verifier, VerifierOptions } from '@tokenguard/core'
export type { FastifyResourceMetadataOptions, ResourceMetadataPluginOptions } from './metadata.js'
export { resourceMetadataPath, resourceMetadataUrl } from '@tokenguard/core'
