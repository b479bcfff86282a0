/** Types of @tokenguard/core: required options, the two verifier forms, the verified context. */
import { createVerifier, type AuthContext, type RouteRequirementInit, type VerifierOptions } from '@tokenguard/core'
import { assertType, expectAssignable, type Equal } from './helpers.js'

const issuer = 'https://id.example/'
const audience = 'https://api.example'

// VerifierOptions: issuer and audience are required.
expectAssignable<VerifierOptions>({ issuer, audience })
expectAssignable<VerifierOptions>({ issuer, audience: [audience, 'https://other.example'] })
// @ts-expect-error audience is required
expectAssignable<VerifierOptions>({ issuer })
// @ts-expect-error issuer is required
expectAssignable<VerifierOptions>({ audience })
// @ts-expect-error audience must be a string or a list of strings
expectAssignable<VerifierOptions>({ issuer, audience: 42 })
// @ts-expect-error profile is 'lenient' or 'rfc9068'
expectAssignable<VerifierOptions>({ issuer, audience, profile: 'strict' })
// @ts-expect-error tokenCache is false or options, not true
expectAssignable<VerifierOptions>({ issuer, audience, tokenCache: true })

// createVerifier: one issuer.
createVerifier({ issuer, audience })
// @ts-expect-error audience is required
createVerifier({ issuer })

// createVerifier: several issuers, as a list or a resolver.
createVerifier({ issuers: [{ issuer }, { issuer: 'https://b.example/', audience: 'https://b-api.example', scopeClaims: ['scp'] }], audience })
createVerifier({ issuers: (iss) => (iss.startsWith('https://login.example/') ? { issuer: iss } : undefined), audience, maxIssuers: 10 })
createVerifier({ issuers: async (iss) => ({ issuer: iss }), audience })
// @ts-expect-error each listed issuer names its issuer
createVerifier({ issuers: [{ audience }], audience })
// @ts-expect-error a resolver returns options or undefined
createVerifier({ issuers: () => 'https://id.example/', audience })

// The verified context: typed claims, read-only everything.
export async function verified(token: string): Promise<void> {
  const verifier = createVerifier({ issuer, audience })
  const auth = await verifier.verify<{ tenant: string }>(token, { scopes: ['read:data'] })
  assertType<Equal<typeof auth, AuthContext<{ tenant: string }>>>(true)
  assertType<Equal<typeof auth.claims.tenant, string>>(true)
  assertType<Equal<typeof auth.claims.scope, string | undefined>>(true)
  assertType<Equal<typeof auth.scopes, ReadonlySet<string>>>(true)
  // @ts-expect-error scopes are read-only
  auth.scopes.add('admin')
  // @ts-expect-error the context is read-only
  auth.token = 'other'
  const decision = await verifier.decide({ headers: {} })
  // @ts-expect-error null on an optional route without a token
  expectAssignable<AuthContext>(decision.outcome === 'refused' ? undefined : decision.auth)
  if (decision.outcome === 'accepted') assertType<Equal<typeof decision.auth, AuthContext>>(true)
}

// Route requirements.
expectAssignable<RouteRequirementInit>({ scopes: ['a'], anyScopes: ['b'], optional: true, claims: { t: 'x', n: 1, b: true, f: (value) => value === 1 } })
// @ts-expect-error scopes are a list
expectAssignable<RouteRequirementInit>({ scopes: 'a' })
// @ts-expect-error a claim check is a value or a predicate
expectAssignable<RouteRequirementInit>({ claims: { t: { nested: true } } })

// Opaque tokens: introspection options and the token format.
expectAssignable<VerifierOptions>({ issuer, audience, introspection: { clientId: 'api', clientSecret: 's' } })
expectAssignable<VerifierOptions>({ issuer, audience, tokenFormat: 'opaque', introspection: { clientId: 'api', clientSecret: 's', cacheMaxAge: '5m', jwtResponse: true, requireAudience: false } })
expectAssignable<VerifierOptions>({ issuer, audience, introspection: { clientId: 'api', clientAuth: 'private_key_jwt', privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' } } })
// @ts-expect-error clientId is required
expectAssignable<VerifierOptions>({ issuer, audience, introspection: { clientSecret: 's' } })
// @ts-expect-error clientAuth is one of three methods
expectAssignable<VerifierOptions>({ issuer, audience, introspection: { clientId: 'api', clientSecret: 's', clientAuth: 'tls_client_auth' } })
// @ts-expect-error tokenFormat is 'jwt', 'opaque' or 'auto'
expectAssignable<VerifierOptions>({ issuer, audience, tokenFormat: 'paseto' })
// @ts-expect-error introspection credentials belong in an issuer entry
createVerifier({ issuers: [{ issuer }], audience, introspection: { clientId: 'api', clientSecret: 's' } })
createVerifier({ issuers: [{ issuer, introspection: { clientId: 'api', clientSecret: 's' } }], audience })
