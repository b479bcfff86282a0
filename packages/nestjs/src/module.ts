/**
 * `TokenguardModule.forRoot()`: one verifier for the application and a global guard over every route.
 * Written without decorators (providers by factory, tokens injected explicitly), so that the package
 * needs neither `experimentalDecorators` nor `emitDecoratorMetadata` of its own.
 */
import type { DynamicModule } from '@nestjs/common'
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core'
import { adapterSetup, isTokenGuardError, type Logger, type Verifier } from '@tokenguard/core/adapter'
import { TokenguardGuard } from './guard.js'
import type { TokenguardModuleOptions } from './types.js'

/** Inject the verifier with `@Inject(TOKENGUARD_VERIFIER)` (e.g. to read `settings` or `keySource`). */
export const TOKENGUARD_VERIFIER = Symbol('tokenguard.verifier')

const WARMUP_MODES = new Set(['await', 'background', 'off'])

export class TokenguardModule {
  // `imports: [TokenguardModule]` without forRoot() would register no guard and leave every route open: refuse at bootstrap.
  constructor() { throw new TypeError('tokenguard: TokenguardModule was imported without forRoot(): no guard would run and every route would be open. Import TokenguardModule.forRoot({ issuer, audience }) instead') }

  /**
   * Registers the verifier (validated here, at startup) and the global guard: every route requires a valid
   * access token unless marked `@Public()`; `@Scopes()`, `@AnyScope()`, `@Claim()` and `@OptionalAuth()`
   * refine it. Refusals are answered with their status, `WWW-Authenticate` / `Retry-After` and a JSON
   * body `{ error, error_description }`, on the Express and the Fastify platform alike.
   *
   * @example
   * ```ts
   * @Module({ imports: [TokenguardModule.forRoot({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' })] })
   * export class AppModule {}
   * ```
   */
  static forRoot(options: TokenguardModuleOptions): DynamicModule {
    if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: TokenguardModule.forRoot() options must be an object')
    const { warmup = 'await', ...rest } = options
    if (!WARMUP_MODES.has(warmup)) throw new TypeError('tokenguard: "warmup" must be "await", "background" or "off"')
    const { verifier, report } = adapterSetup<unknown>(rest, { where: 'TokenguardModule.forRoot() options', requirementKeys: false, ownKeys: ['warmup'] })
    return {
      // A class of its own, so that only a bare `TokenguardModule` import throws; named alike for Nest's logs.
      module: Object.defineProperty(class {}, 'name', { value: 'TokenguardModule' }),
      global: true,
      providers: [
        // An async factory: Nest awaits it before the application starts listening.
        { provide: TOKENGUARD_VERIFIER, useFactory: () => warmUp(verifier, warmup, rest.logger) },
        { provide: APP_GUARD, useFactory: (host: HttpAdapterHost) => new TokenguardGuard(verifier, report, host), inject: [HttpAdapterHost] },
      ],
      exports: [TOKENGUARD_VERIFIER],
    }
  }
}

async function warmUp(verifier: Verifier, mode: string, logger: Logger | false | undefined): Promise<Verifier> {
  if (mode === 'off') return verifier
  const warming = verifier.ready().catch((error: unknown) => {
    const why = isTokenGuardError(error) ? error.describe() : String(error)
    if (logger !== false) (logger ?? console).warn(`tokenguard: could not fetch the issuer keys at startup; requests answer 503 until they arrive (${why})`)
  })
  if (mode === 'await') await warming
  return verifier
}
