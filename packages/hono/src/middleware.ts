/**
 * `tokenguard()`: the Hono middleware. It settles its options once; per request it builds the view of
 * `c.req.raw`, asks core for a decision, and translates it: `c.set('auth', …)` and `next()`, or the
 * refusal's `Response`.
 */
import { adapterSetup, decideHeld, reportHeld, webRequestView, type Verifier } from '@tokenguard/core/adapter'
import type { Context, MiddlewareHandler } from 'hono'
import { refuse, rememberState, type RequestState } from './state.js'
import type { AuthClaims, TokenguardEnv, TokenguardOptions } from './types.js'

/** The middleware, with its verifier exposed (e.g. `await mw.verifier.ready()` to warm up). */
export type TokenguardMiddleware = MiddlewareHandler<TokenguardEnv> & { readonly verifier: Verifier }

/**
 * Requires a valid access token (RFC 6750 bearer) and sets `c.get('auth')` (`null` on an optional route
 * without a token). Refusals are answered with their status, challenge and a JSON body
 * `{ error, error_description }`, and logged in one line (or given to `onError`).
 *
 * @example
 * ```ts
 * const app = new Hono()
 * app.use('/api/*', tokenguard({ issuer: 'https://id.example.com/', audience: 'https://api.example.com' }))
 * app.get('/api/data', requireScopes('read:data'), (c) => c.json({ client: c.get('auth')?.claims.client_id }))
 * ```
 */
export function tokenguard(options: TokenguardOptions): TokenguardMiddleware {
  const { verifier, requirement, report } = adapterSetup<Context>(options, { where: 'tokenguard() options' })
  const state: RequestState = Object.freeze({ challenge: verifier.settings.challenge, report })

  const middleware: MiddlewareHandler<TokenguardEnv> = async function tokenguardAuthenticate(c, next) {
    rememberState(c, state)
    // On Node (@hono/node-server) the socket is known: the peer's address (trusted proxies) and certificate (mTLS).
    const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
    const viewing = webRequestView(c.req.raw, verifier.settings.extract, { route: c.req.routePath, remoteAddress: socket?.remoteAddress, socket })
    // Awaited only when pending: a cached token is decided synchronously, and each await costs a turn of the microtask queue.
    const view = viewing instanceof Promise ? await viewing : viewing
    const deciding = decideHeld<AuthClaims>(verifier, view, requirement, c)
    const decision = deciding instanceof Promise ? await deciding : deciding
    if (decision.outcome === 'refused') return refuse(c, decision.error, report)
    if (decision.outcome === 'accepted' && decision.headers !== undefined) for (const [name, value] of Object.entries(decision.headers)) c.header(name, value)
    c.set('auth', decision.auth)
    try {
      await next()
    } finally {
      reportHeld(c) // as decided, unless a guard downstream refused (then it was reported as that refusal)
    }
    return undefined
  }
  return Object.assign(middleware, { verifier })
}
