/**
 * NestJS behaviour beyond the contract table, on the Express and the Fastify platform: decorators on
 * controllers and handlers (they add up; the handler's own marks are the more specific), declaration-time
 * validation, `@Auth()` without the module (500 naming the fix), the application's exception filters
 * seeing the refusal, module options, and warm-up during an issuer outage.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Catch, Controller, Get, type ArgumentsHost, type DynamicModule, type ExceptionFilter, type INestApplication } from '@nestjs/common'
import { APP_FILTER, NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import type { Response as ExpressResponse } from 'express'
import type { FastifyReply } from 'fastify'
import { AnyScope, Auth, OptionalAuth, Public, Scopes, TokenguardException, TokenguardModule, createVerifier, type AuthContext, type TokenguardModuleOptions, type Verifier } from '@tokenguard/nestjs'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'

@Scopes('read:data')
@Controller('reports')
class ReportsController {
  @Get('read')
  read(@Auth() auth: AuthContext) {
    return { scopes: [...auth.scopes].sort() }
  }

  @Scopes('admin')
  @Get('admin')
  admin() {
    return { admin: true }
  }

  @Public()
  @Get('open')
  open(@Auth() auth: AuthContext | null) {
    return { auth }
  }
}

@Public()
@Controller('docs')
class DocsController {
  @Get('page')
  page(@Auth() auth: AuthContext | null) {
    return { auth }
  }

  @AnyScope('write:data', 'admin')
  @Get('edit')
  edit() {
    return { edit: true }
  }

  @OptionalAuth()
  @Get('maybe')
  maybe(@Auth() auth: AuthContext | null) {
    return { client: auth?.claims.client_id ?? null }
  }
}

@Controller('plain')
class PlainController {
  @Get()
  plain(@Auth() auth: AuthContext) {
    return { auth }
  }
}

/** Records every exception Nest hands to the application's filters, then answers as Nest would. */
const filtered: unknown[] = []
class RecordingFilter implements ExceptionFilter {
  catch(exception: TokenguardException, host: ArgumentsHost) {
    filtered.push(exception)
    const response = host.switchToHttp().getResponse<ExpressResponse | FastifyReply>()
    const body = { error: exception.refusal.code, reason: exception.refusal.reason }
    // Fastify's reply wraps the Node response as `raw`; Express' response is the Node response.
    if ('raw' in response) void response.code(exception.getStatus()).send(body)
    else response.status(exception.getStatus()).json(body)
  }
}
Catch(TokenguardException)(RecordingFilter)

type Platform = 'express' | 'fastify'

async function start(platform: Platform, module: DynamicModule): Promise<{ app: INestApplication; url: string }> {
  const app = platform === 'fastify' ? await NestFactory.create(module, new FastifyAdapter(), { logger: false }) : await NestFactory.create(module, { logger: false })
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  return { app, url }
}

let key: SigningKey
let verifier: Verifier

before(async () => {
  key = await generateSigningKey('ES256')
  verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: 'api' })
})

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

for (const platform of ['express', 'fastify'] as const) {
  describe(`NestJS on ${platform}`, () => {
    let running: { app: INestApplication; url: string }
    before(async () => {
      class AppModule {}
      running = await start(platform, { module: AppModule, imports: [TokenguardModule.forRoot({ verifier, logger: false, warmup: 'off' })], controllers: [ReportsController, DocsController] })
    })
    after(() => running.app.close())

    const call = async (path: string, token?: string) => {
      const response = await fetch(`${running.url}${path}`, token === undefined ? {} : bearer(token))
      return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> }
    }

    test('a controller\'s @Scopes() applies to its handlers, and adds up with the handler\'s own', async () => {
      assert.deepEqual(await call('/reports/read', await signToken(key)), { status: 200, challenge: null, body: { scopes: ['read:data'] } })
      const admin = await call('/reports/admin', await signToken(key))
      assert.equal(admin.status, 403)
      assert.match(admin.challenge ?? '', /scope="admin"/)
      assert.equal((await call('/reports/admin', await signToken(key, { scope: 'admin' }))).status, 403, 'admin alone lacks the controller\'s read:data')
      assert.equal((await call('/reports/admin', await signToken(key, { scope: 'read:data admin' }))).status, 200)
    })

    test('@Public() on a handler opens it inside a protected controller; @Auth() is null there', async () => {
      assert.deepEqual(await call('/reports/open'), { status: 200, challenge: null, body: { auth: null } })
    })

    test('in a @Public() controller, a handler with a requirement is still protected', async () => {
      assert.deepEqual((await call('/docs/page')).body, { auth: null })
      const edit = await call('/docs/edit', await signToken(key))
      assert.equal(edit.status, 403)
      assert.match(edit.challenge ?? '', /scope="write:data admin"/)
      assert.equal((await call('/docs/edit')).status, 401)
      assert.equal((await call('/docs/edit', await signToken(key, { scope: 'admin' }))).status, 200)
    })

    test('@OptionalAuth(): no token is anonymous, a bad token is still 401', async () => {
      assert.deepEqual((await call('/docs/maybe')).body, { client: null })
      assert.deepEqual((await call('/docs/maybe', await signToken(key))).body, { client: 'client-1' })
      assert.equal((await call('/docs/maybe', 'not.a.jwt')).status, 401)
    })

    test('@Auth() where the module is not imported is 500 server_error, never an anonymous pass', async () => {
      class BareModule {}
      const bare = await start(platform, { module: BareModule, controllers: [PlainController] })
      try {
        const response = await fetch(`${bare.url}/plain`, bearer(await signToken(key)))
        assert.equal(response.status, 500)
        assert.deepEqual(await response.json(), { error: 'server_error', error_description: 'The server cannot check access tokens on this route' })
      } finally {
        await bare.app.close()
      }
    })

    test('the application\'s exception filters see the refusal as a TokenguardException, with the challenge already set', async () => {
      class FilteredModule {}
      filtered.length = 0
      const app = await start(platform, {
        module: FilteredModule,
        imports: [TokenguardModule.forRoot({ verifier, logger: false, warmup: 'off' })],
        controllers: [PlainController],
        providers: [{ provide: APP_FILTER, useClass: RecordingFilter }],
      })
      try {
        const response = await fetch(`${app.url}/plain`, bearer('not.a.jwt'))
        assert.equal(response.status, 401)
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="api", error="invalid_token"/)
        assert.deepEqual(await response.json(), { error: 'invalid_token', reason: 'token_malformed' })
        assert.equal(filtered.length, 1)
        assert.ok(filtered[0] instanceof TokenguardException)
      } finally {
        await app.app.close()
      }
    })

    test('warm-up during an issuer outage: the application starts, logs it, and answers 503', async () => {
      const issuer = await startKeyServer()
      await issuer.stop()
      const warnings: string[] = []
      const logger = { debug() {}, info() {}, error() {}, warn: (line: string) => void warnings.push(line) }
      class OutageModule {}
      const app = await start(platform, { module: OutageModule, imports: [TokenguardModule.forRoot({ issuer: issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE, logger } as TokenguardModuleOptions)], controllers: [PlainController] })
      try {
        assert.equal(warnings.length, 1)
        assert.match(warnings[0]!, /could not fetch the issuer keys at startup; requests answer 503 until they arrive/)
        const response = await fetch(`${app.url}/plain`, bearer(await issuer.mint()))
        assert.equal(response.status, 503)
        assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
      } finally {
        await app.app.close()
        await issuer.close()
      }
    })
  })
}

describe('declaration-time and startup validation', () => {
  test('decorators compile their requirement when the class is declared', () => {
    assert.throws(() => Scopes(), /requireScopes needs at least one scope/)
    assert.throws(() => AnyScope(), /requireAnyScope needs at least one scope/)
    assert.throws(() => Scopes('read data'), /is not a valid scope name/)
  })

  test('@Public() with a requirement on the same handler or controller is a contradiction, refused', () => {
    assert.throws(() => {
      class Contradiction {
        @Public()
        @Scopes('read:data')
        handler() {}
      }
      return Contradiction
    }, /@Public\(\) cannot be combined with @Scopes\/AnyScope\/Claim\(\) on the same handler/)
    assert.throws(() => {
      @OptionalAuth()
      @Public()
      class Contradiction {}
      return Contradiction
    }, /@Public\(\) cannot be combined with @OptionalAuth\(\) on the same controller/)
  })

  test('forRoot() options are checked at startup', () => {
    assert.throws(() => TokenguardModule.forRoot({ verifier, scopes: ['a'] } as never), /scopes cannot be given in TokenguardModule\.forRoot\(\) options/)
    assert.throws(() => TokenguardModule.forRoot({ verifier, warmUp: 'off' } as never), /unknown option "warmUp" in TokenguardModule\.forRoot\(\) options \(did you mean "warmup"\?\)/)
    assert.throws(() => TokenguardModule.forRoot({ verifier, warmup: 'later' } as never), /"warmup" must be "await", "background" or "off"/)
    assert.throws(() => TokenguardModule.forRoot({ issuer: LOCAL_ISSUER } as never), /audience/)
  })
})
