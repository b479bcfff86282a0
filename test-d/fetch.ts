/** Types of @tokenguard/fetch: the handler's `auth` (null only where optional), extra arguments, AuthClaims merging. */
import { authenticateRequest, createVerifier, protect, type AuthContext } from '@tokenguard/fetch'
import { assertType, type Equal } from './helpers.js'

declare module '@tokenguard/fetch' {
  interface AuthClaims {
    tenant: string
  }
}

const options = { issuer: 'https://id.example/', audience: 'https://api.example' }
const verifier = createVerifier(options)

export async function build(): Promise<void> {
  protect(options, undefined, (_request, auth) => {
    assertType<Equal<typeof auth.claims.tenant, string>>(true)
    return new Response(auth.claims.sub)
  })
  protect(options, { scopes: ['read:data'] }, (_request, auth) => new Response(auth.token))
  protect({ verifier }, { optional: true }, (_request, auth) => {
    // @ts-expect-error auth may be null on an optional requirement
    void auth.token
    return new Response(auth?.token ?? 'anonymous')
  })
  protect({ verifier }, verifier.requirement({ optional: true }), (_request, auth) => {
    assertType<Equal<typeof auth, AuthContext<{ tenant: string }> | null>>(true)
    return new Response('ok')
  })
  const worker = protect<undefined, [{ KV: string }]>(options, undefined, (_request, _auth, env) => new Response(env.KV))
  await worker(new Request('https://x'), { KV: 'kv' })
  // @ts-expect-error the handler must answer with a Response
  protect(options, undefined, () => 'text')
  // @ts-expect-error requirement keys go in the second argument
  protect({ verifier, scopes: ['a'] }, undefined, () => new Response())

  const result = await authenticateRequest(verifier, new Request('https://x'))
  assertType<Equal<typeof result, AuthContext<{ tenant: string }> | Response>>(true)
  const maybe = await authenticateRequest(verifier, new Request('https://x'), { optional: true })
  assertType<Equal<typeof maybe, AuthContext<{ tenant: string }> | null | Response>>(true)
}
