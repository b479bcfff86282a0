/**
 * The contract's API (see `apps.ts`) as a NestJS application, on the Express or the Fastify platform:
 * `TokenguardModule.forRoot()` guards every route, the decorators refine them.
 */
import { Controller, Get, HttpCode, Post, type DynamicModule, type INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { AnyScope, Auth, Claim, OptionalAuth, Public, Scopes, TokenguardModule, type AuthContext, type TokenguardModuleOptions } from '@tokenguard/nestjs'
import { payload } from './web-apps.js'

@Controller()
class ContractController {
  @Public()
  @Get('public')
  public() {
    return { public: true }
  }

  @Scopes('read:data')
  @Get('data')
  read(@Auth() auth: AuthContext) {
    return payload(auth)
  }

  @Scopes('write:data')
  @Post('data')
  @HttpCode(200)
  write(@Auth() auth: AuthContext) {
    return payload(auth)
  }

  @AnyScope('read:data', 'admin')
  @Get('any')
  any(@Auth() auth: AuthContext) {
    return payload(auth)
  }

  @OptionalAuth()
  @Get('maybe')
  maybe(@Auth() auth: AuthContext | null) {
    return payload(auth)
  }

  @Claim('client_id', 'read-write-client')
  @Get('client')
  client(@Auth() auth: AuthContext) {
    return payload(auth)
  }

  @Post('form')
  @HttpCode(200)
  form(@Auth() auth: AuthContext) {
    return payload(auth)
  }

  @Get('whoami')
  whoami(@Auth() auth: AuthContext) {
    return payload(auth)
  }
}

export type NestPlatform = 'express' | 'fastify'

/** Creates and starts the application on 127.0.0.1 (a free port). */
export async function startNestApp(platform: NestPlatform, options: TokenguardModuleOptions): Promise<INestApplication> {
  class ContractModule {}
  const module: DynamicModule = { module: ContractModule, imports: [TokenguardModule.forRoot(options)], controllers: [ContractController] }
  const app = platform === 'fastify' ? await NestFactory.create(module, new FastifyAdapter(), { logger: false }) : await NestFactory.create(module, { logger: false })
  await app.listen(0, '127.0.0.1')
  return app
}
