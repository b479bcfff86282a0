/** Types of @tokenguard/express: `req.auth`, AuthClaims declaration merging, middleware options. */
import { authenticate, requireClaim, requireScopes, type AuthClaims, type AuthContext, type TokenGuardError } from '@tokenguard/express'
import express from 'express'
import { assertType, expectAssignable, type Equal } from './helpers.js'

declare module '@tokenguard/express' {
  interface AuthClaims {
    tenant_id: string
  }
}

const issuer = 'https://id.example/'
const audience = 'https://api.example'
const app = express()
const auth = authenticate({ issuer, audience, onError: (error: TokenGuardError, req) => void req.path })

app.get('/data', auth, requireScopes('read:data'), requireClaim('tenant_id', (value) => value === 't'), (req, res) => {
  assertType<Equal<typeof req.auth, AuthContext<AuthClaims> | null | undefined>>(true)
  // @ts-expect-error req.auth is null on optional routes and undefined without authenticate()
  expectAssignable<AuthContext<AuthClaims>>(req.auth)
  if (req.auth != null) {
    // declaration merging: the application's claim is typed
    assertType<Equal<typeof req.auth.claims.tenant_id, string>>(true)
    // @ts-expect-error a string claim is not a number
    expectAssignable<number>(req.auth.claims.tenant_id)
    // the standard claims keep their types
    assertType<Equal<typeof req.auth.claims.client_id, string | undefined>>(true)
    // the Fastify adapter's AuthClaims are not merged here
    assertType<Equal<typeof req.auth.claims.org_id, unknown>>(true)
    // @ts-expect-error scopes are read-only
    req.auth.scopes.add('admin')
  }
  res.json({ ok: true })
})

// Options: verifier options, or a shared verifier, plus the route requirement.
authenticate({ verifier: auth.verifier, optional: true, scopes: ['read:data'] })
authenticate({ issuers: [{ issuer }], audience })
// @ts-expect-error audience is required
authenticate({ issuer })
// @ts-expect-error optional is a boolean
authenticate({ issuer, audience, optional: 'yes' })
