/** Types of @tokenguard/hono: `c.get('auth')` through ContextVariableMap and TokenguardEnv, guards, AuthClaims merging. */
import { requireClaim, requireScopes, tokenguard, type HonoAuth, type TokenguardEnv } from '@tokenguard/hono'
import { Hono } from 'hono'
import { assertType, type Equal } from './helpers.js'

declare module '@tokenguard/hono' {
  interface AuthClaims {
    org: number
  }
}

export function build(): void {
  const app = new Hono()
  const auth = tokenguard({ issuer: 'https://id.example/', audience: 'https://api.example', scopes: ['read:data'] })
  app.use('/api/*', auth)
  app.get('/api/data', requireScopes('read:data'), requireClaim('org', 1), (c) => {
    const value = c.get('auth')
    assertType<Equal<typeof value, HonoAuth>>(true)
    assertType<Equal<NonNullable<typeof value>['claims']['org'], number>>(true)
    return c.json({ org: value?.claims.org })
  })
  const typed = new Hono<TokenguardEnv>()
  typed.get('/x', auth, (c) => c.text(c.var.auth?.token ?? ''))
  void auth.verifier.ready()
  // @ts-expect-error audience is required
  tokenguard({ issuer: 'https://id.example/' })
  // @ts-expect-error scopes is a list
  tokenguard({ issuer: 'https://id.example/', audience: 'https://api.example', scopes: 'read:data' })
}
