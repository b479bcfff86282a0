/**
 * `@UseGuards(TokenguardGuard)`: the guard is global, installed by `TokenguardModule.forRoot()`; Nest cannot
 * build it for a controller by itself (its verifier comes from forRoot's options). Mounting it that way
 * must fail at startup with the fix named, with or without the module, never answer requests.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Controller, Get, UseGuards } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { TokenguardGuard, TokenguardModule, createVerifier } from '@tokenguard/nestjs'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { LOCAL_ISSUER } from '../support/local-tokens.js'

@Controller('guarded')
@UseGuards(TokenguardGuard)
class GuardedController {
  @Get()
  read() {
    return { ok: true }
  }
}

const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [] } })

for (const platform of ['express', 'fastify'] as const) {
  describe(`@UseGuards(TokenguardGuard) on ${platform}`, () => {
    for (const withModule of [false, true]) {
      test(`${withModule ? 'with' : 'without'} TokenguardModule.forRoot(): startup fails naming the fix`, async () => {
        class AppModule {}
        const module = { module: AppModule, imports: withModule ? [TokenguardModule.forRoot({ verifier, logger: false, warmup: 'off' })] : [], controllers: [GuardedController] }
        const create = async () => {
          const app = platform === 'fastify' ? await NestFactory.create(module, new FastifyAdapter(), { logger: false, abortOnError: false }) : await NestFactory.create(module, { logger: false, abortOnError: false })
          try {
            await app.init()
          } finally {
            await app.close()
          }
        }
        await assert.rejects(create, (error: Error) => {
          assert.ok(error instanceof TypeError)
          assert.match(error.message, /^tokenguard: TokenguardGuard cannot be used in @UseGuards\(\): TokenguardModule\.forRoot\(\{ issuer, audience \}\) installs it as a global guard/)
          assert.match(error.message, /mark routes with @Public\(\), @Scopes\(\), @AnyScope\(\), @Claim\(\) or @OptionalAuth\(\) instead$/)
          return true
        })
      })
    }
  })
}
