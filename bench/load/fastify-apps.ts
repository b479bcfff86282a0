/**
 * The Fastify 5 variants. Each uses its library the way its README shows, with the same issuer, JWK Set URL
 * (given, no discovery), audience, scope and handler; the peers that have no scope guard get a one-line check
 * on the verified claims.
 */
import tokenguard from '@tokenguard/fastify'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify'
import fastifyAuth0Verify from 'fastify-auth0-verify'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { observabilityFor } from './observability.js'
import { signatureFloor } from './signature-floor.js'
import { BODY, grantsScope, REQUIRED_SCOPE, ROUTE, type IssuerConfig } from './variants.js'

const handler = async () => BODY

export async function fastifyApp(variant: string, config: IssuerConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  switch (variant) {
    case 'fastify-bare':
      app.get(ROUTE, handler)
      break
    case 'fastify-noop':
      // a callback-style hook, as @tokenguard/fastify's own
      app.get(ROUTE, { onRequest: (_request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => done() }, handler)
      break
    case 'fastify-tokenguard':
    case 'fastify-tokenguard-again':
    case 'fastify-tokenguard-otel':
    case 'fastify-tokenguard-otel-sdk':
    case 'fastify-tokenguard-observed':
      await app.register(tokenguard, { issuer: config.issuer, jwksUri: config.jwksUri, audience: config.audience, allowInsecureHttp: true, ...observabilityFor(variant) })
      app.get(ROUTE, { config: { auth: { scopes: [REQUIRED_SCOPE] } } }, handler)
      break
    case 'fastify-signature-floor': {
      const check = await signatureFloor(config)
      app.get(ROUTE, { onRequest: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
        const status = check(request.headers.authorization)
        if (status === 200) return done()
        reply.code(status).send()
      } }, handler)
      break
    }
    case 'fastify-auth0-verify': {
      // `domain` makes it fetch `<domain>.well-known/jwks.json` (the key server serves the set there too); the issuer is given exactly.
      await app.register(fastifyAuth0Verify, { domain: `${new URL(config.jwksUri).origin}/`, issuer: config.issuer, audience: config.audience })
      const scope = async (request: FastifyRequest, reply: FastifyReply) => {
        if (!grantsScope((request.user as { scope?: unknown }).scope)) return reply.code(403).send()
      }
      app.get(ROUTE, { onRequest: [app.authenticate, scope] }, handler)
      break
    }
    case 'fastify-jose': {
      const keys = createRemoteJWKSet(new URL(config.jwksUri))
      const options = { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] }
      app.addHook('onRequest', async (request, reply) => {
        const header = request.headers.authorization
        if (header === undefined || !header.startsWith('Bearer ')) return reply.code(401).send()
        try {
          const { payload } = await jwtVerify(header.slice(7), keys, options)
          if (!grantsScope(payload.scope)) return reply.code(403).send()
        } catch {
          return reply.code(401).send()
        }
      })
      app.get(ROUTE, handler)
      break
    }
    default:
      throw new TypeError(`bench: ${variant} is not a Fastify variant`)
  }
  return app
}
