/** Types of @tokenguard/nestjs: forRoot options, decorators where Nest puts them, AuthClaims merging. */
import type { DynamicModule } from '@nestjs/common'
import { AnyScope, Auth, Claim, OptionalAuth, Public, Scopes, TokenguardModule, type AuthClaims } from '@tokenguard/nestjs'
import { assertType, expectAssignable, type Equal } from './helpers.js'

declare module '@tokenguard/nestjs' {
  interface AuthClaims {
    tenant: string
  }
}

export function build(): void {
  expectAssignable<DynamicModule>(TokenguardModule.forRoot({ issuer: 'https://id.example/', audience: 'https://api.example', warmup: 'background' }))
  // @ts-expect-error audience is required
  TokenguardModule.forRoot({ issuer: 'https://id.example/' })
  // @ts-expect-error warmup is one of three modes
  TokenguardModule.forRoot({ issuer: 'https://id.example/', audience: 'https://api.example', warmup: 'later' })
  expectAssignable<ClassDecorator & MethodDecorator>(Scopes('a'))
  expectAssignable<ClassDecorator & MethodDecorator>(AnyScope('a', 'b'))
  expectAssignable<ClassDecorator & MethodDecorator>(Claim('tenant', (value) => value === 'acme'))
  expectAssignable<ClassDecorator & MethodDecorator>(Public())
  expectAssignable<ClassDecorator & MethodDecorator>(OptionalAuth())
  expectAssignable<ParameterDecorator>(Auth())
  assertType<Equal<AuthClaims['tenant'], string>>(true)
}
