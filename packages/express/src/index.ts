export { authenticate } from './authenticate.js'
export type { AuthenticateMiddleware } from './authenticate.js'
export { requireAnyScope, requireClaim, requireScopes } from './guards.js'
export type { AuthClaims, AuthenticateOptions, MiddlewareOptions } from './types.js'
export {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  TokenGuardError,
} from '@tokenguard/core'
export type { AuthContext, Verifier, VerifierOptions } from '@tokenguard/core'
export { protectedResourceMetadata } from './metadata.js'
export type { ProtectedResourceMetadataHandler, ProtectedResourceMetadataOptions } from './metadata.js'
export { resourceMetadataPath, resourceMetadataUrl } from '@tokenguard/core'
