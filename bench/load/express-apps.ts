/**
 * The Express 5 variants. Each uses its library the way its README shows, with the same issuer, JWK Set URL
 * (given, no discovery), audience, scope and handler; the peers that have no scope guard get a one-line check
 * on the verified claims.
 */
import { authenticate, requireScopes } from '@tokenguard/express'
import express, { type NextFunction, type Request, type Response } from 'express'
import { expressjwt, type GetVerificationKey } from 'express-jwt'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import jwksRsa from 'jwks-rsa'
import { observabilityFor } from './observability.js'
import { signatureFloor } from './signature-floor.js'
import { BODY, grantsScope, REQUIRED_SCOPE, ROUTE, type IssuerConfig } from './variants.js'

const handler = (_req: Request, res: Response) => void res.json(BODY)

/** Express' default error handler answers with `err.status`; quiet, without stack traces. */
function quietErrors(app: express.Express): void {
  app.set('env', 'production')
  app.use((err: { status?: number; statusCode?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? err.statusCode ?? 500).end()
  })
}

export async function expressApp(variant: string, config: IssuerConfig): Promise<express.Express> {
  const app = express()
  switch (variant) {
    case 'express-bare':
      app.get(ROUTE, handler)
      break
    case 'express-noop': {
      const pass = (_req: Request, _res: Response, next: NextFunction) => next()
      app.get(ROUTE, pass, pass, handler) // where authenticate() and requireScopes() go
      break
    }
    case 'express-tokenguard':
    case 'express-tokenguard-again':
    case 'express-tokenguard-otel':
    case 'express-tokenguard-otel-sdk':
    case 'express-tokenguard-observed':
      app.get(ROUTE, authenticate({ issuer: config.issuer, jwksUri: config.jwksUri, audience: config.audience, allowInsecureHttp: true, ...observabilityFor(variant) }), requireScopes(REQUIRED_SCOPE), handler)
      break
    case 'express-tokenguard-protect': {
      // one middleware for authentication and the route's scope (instead of authenticate() + requireScopes())
      const auth = authenticate({ issuer: config.issuer, jwksUri: config.jwksUri, audience: config.audience, allowInsecureHttp: true })
      app.get(ROUTE, auth.protect({ scopes: [REQUIRED_SCOPE] }), handler)
      break
    }
    case 'express-signature-floor': {
      const check = await signatureFloor(config)
      app.get(ROUTE, (req: Request, res: Response, next: NextFunction) => {
        const status = check(req.headers.authorization)
        if (status === 200) return next()
        res.status(status).end()
      }, handler)
      break
    }
    case 'express-oauth2-jwt-bearer':
      app.get(ROUTE, auth({ issuer: config.issuer, jwksUri: config.jwksUri, audience: config.audience }), requiredScopes(REQUIRED_SCOPE), handler)
      break
    case 'express-jwt': {
      const secret = jwksRsa.expressJwtSecret({ jwksUri: config.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 })
      const verify = expressjwt({ secret: secret as GetVerificationKey, audience: config.audience, issuer: config.issuer, algorithms: ['RS256'] })
      const scope = (req: Request, res: Response, next: NextFunction) => {
        if (grantsScope((req as Request & { auth?: { scope?: unknown } }).auth?.scope)) return next()
        res.status(403).end()
      }
      app.get(ROUTE, verify, scope, handler)
      break
    }
    default:
      throw new TypeError(`bench: ${variant} is not an Express variant`)
  }
  quietErrors(app)
  return app
}
