export { protect } from './protect.js'
export type { ProtectedHandler } from './protect.js'
export { authenticateRequest } from './authenticate-request.js'
export type { AuthClaims, AuthFor, HandlerOptions, ProtectOptions, Requirement } from './types.js'
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
export type { AuthContext, Duration, RouteRequirement, RouteRequirementInit, Verifier, VerifierOptions } from '@tokenguard/core'
export { protectedResourceMetadata } from './metadata.js'
export type { ProtectedResourceMetadataHandler, ProtectedResourceMetadataOptions } from './metadata.js'
export { resourceMetadataPath, resourceMetadataUrl } from '@tokenguard/core'
