/**
 * `@Auth()`: the verified token, as a handler parameter. The guard records each request's result here;
 * a request the guard never saw (no `TokenguardModule.forRoot()` in the application) is a 500 naming the
 * fix, never an anonymous pass.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common'
import { AuthenticationMissingError, type AuthContext } from '@tokenguard/core/adapter'
import { TokenguardException } from './exception.js'
import type { AuthClaims } from './types.js'

const results = new WeakMap<object, AuthContext<AuthClaims> | null>()

/** Records the guard's result for `request` (`null`: public, or anonymous on an optional route). */
export function rememberAuth(request: object, auth: AuthContext<AuthClaims> | null): void {
  results.set(request, auth)
}

/** `@Auth() auth: AuthContext`: the verified token; `null` on `@Public()` and `@OptionalAuth()` routes without one. */
export const Auth: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<object>()
  if (results.has(request)) return results.get(request)
  const detail = `@Auth() on ${context.getClass().name}.${context.getHandler().name} ran without tokenguard's guard: import TokenguardModule.forRoot(options) in the application's root module`
  throw new TokenguardException(new AuthenticationMissingError({ reason: 'authentication_missing', detail }))
})
