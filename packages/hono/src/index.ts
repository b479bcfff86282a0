export { tokenguard } from './middleware.js'
export type { TokenguardMiddleware } from './middleware.js'
export { requireAnyScope, requireClaim, requireScopes } from './guards.js'
export type { AuthClaims, HonoAuth, MiddlewareOptions, TokenguardEnv, TokenguardOptions } from './types.js'
export {
  ClaimCheckUnavailableError,
  createVerifier,
  includes,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  TokenGuardError,
} from '@tokenguard/core'
export type { AuthContext, Duration, Verifier, VerifierOptions } from '@tokenguard/core'
export { protectedResourceMetadata } from './metadata.js'
export type { ProtectedResourceMetadataMiddleware, ProtectedResourceMetadataOptions } from './metadata.js'
export { resourceMetadataPath, resourceMetadataUrl } from '@tokenguard/core'
