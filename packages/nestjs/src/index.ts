export { TOKENGUARD_VERIFIER, TokenguardModule } from './module.js'
export { AnyScope, Claim, OptionalAuth, Public, Scopes } from './decorators.js'
export { Auth } from './auth.js'
export { TokenguardException } from './exception.js'
export { TokenguardGuard } from './guard.js'
export type { AuthClaims, ModuleOptions, TokenguardModuleOptions } from './types.js'
export {
  createVerifier,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenGuardError,
  KeysUnavailableError,
  MissingTokenError,
  TokenGuardError,
} from '@tokenguard/core'
export type { AuthContext, Verifier, VerifierOptions } from '@tokenguard/core'
