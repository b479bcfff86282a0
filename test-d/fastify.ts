/** Types of @tokenguard/fastify: route `config.auth`, `request.auth`, AuthClaims merging, decorators. */
import tokenguard, { type AuthClaims, type AuthContext } from '@tokenguard/fastify'
import Fastify from 'fastify'
import { assertType, expectAssignable, type Equal } from './helpers.js'

declare module '@tokenguard/fastify' {
  interface AuthClaims {
    org_id: number
  }
}

export async function build(): Promise<void> {
  const app = Fastify()
  await app.register(tokenguard, { issuer: 'https://id.example/', audience: 'https://api.example', requireByDefault: true, warmup: 'background' })
  // @ts-expect-error audience is required
  await app.register(tokenguard, { issuer: 'https://id.example/' })

  // config.auth: false or a requirement object.
  app.get('/public', { config: { auth: false } }, async () => 'ok')
  app.get('/scoped', { config: { auth: { scopes: ['read:data'] } } }, async () => 'ok')
  app.get('/full', { config: { auth: { anyScopes: ['a'], optional: true, claims: { org_id: 1, t: (value) => value !== undefined } } } }, async () => 'ok')
  // Fastify infers its ContextConfig generic from this literal and intersects it with FastifyContextConfig,
  // which defeats weak-type checking of the all-optional RouteRequirementInit. These two fail until
  // RouteAuthConfig is `false | (RouteRequirementInit & object)` (packages/fastify/src/types.ts). A
  // misspelt key ({ scope: [...] }) cannot be caught by types for the same reason; startup rejects it.
  // @ts-expect-error auth is false or an object, not a string
  app.get('/yes', { config: { auth: 'yes' } }, async () => 'ok')
  // @ts-expect-error true is not a requirement
  app.get('/true', { config: { auth: true } }, async () => 'ok')

  app.get('/me', async (request) => {
    assertType<Equal<typeof request.auth, AuthContext<AuthClaims> | null>>(true)
    // @ts-expect-error null on public routes and optional routes without a token
    expectAssignable<AuthContext<AuthClaims>>(request.auth)
    if (request.auth === null) return 'anonymous'
    // declaration merging: the application's claim is typed
    assertType<Equal<typeof request.auth.claims.org_id, number>>(true)
    // the Express adapter's AuthClaims are not merged here
    assertType<Equal<typeof request.auth.claims.tenant_id, unknown>>(true)
    return request.auth.claims.sub
  })

  // Decorators are typed hooks.
  app.get('/admin', { onRequest: [app.requireScopes('admin')], preHandler: app.requireAnyScope('a', 'b') }, async () => 'ok')
  app.get('/org', { onRequest: app.requireClaim('org_id', (value) => value === 1) }, async () => 'ok')
  // @ts-expect-error scopes are strings
  app.requireScopes(1)
  assertType<Equal<typeof app.tokenguard.settings.audience, readonly string[]>>(true)
}
