/**
 * Configuration errors of the metadata endpoint, refused at startup: a verifier whose challenges would not
 * point at the document, a hand-set `resourceMetadata` that differs from it. And the defaults a
 * multi-issuer verifier gives the document.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createVerifier, resourceMetadataUrl } from '@tokenguard/core'
import { protectedResourceMetadata } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import Fastify from 'fastify'

const RESOURCE = 'https://orders.tokenguard.test'
const ISSUER = 'https://id.tokenguard.test'

test('express: a verifier without resource_metadata in its challenges is refused', () => {
  const verifier = createVerifier({ issuer: ISSUER, audience: RESOURCE })
  assert.throws(() => protectedResourceMetadata({ verifier, resource: RESOURCE }), /resourceMetadata: "https:\/\/orders\.tokenguard\.test\/\.well-known\/oauth-protected-resource"/)
})

test('express: without a verifier, the document has no default authorization server', () => {
  const handler = protectedResourceMetadata({ resource: RESOURCE })
  assert.deepEqual(handler.metadata.document, { resource: RESOURCE, bearer_methods_supported: ['header'] })
})

test('express: a multi-issuer verifier lists every issuer; explicit options win', () => {
  const verifier = createVerifier({
    issuers: [{ issuer: 'https://a.tokenguard.test', jwksUri: 'https://a.tokenguard.test/jwks' }, { issuer: 'https://b.tokenguard.test', jwksUri: 'https://b.tokenguard.test/jwks' }],
    audience: RESOURCE,
    allowBodyToken: true,
    resourceMetadata: resourceMetadataUrl(RESOURCE),
  })
  assert.deepEqual(protectedResourceMetadata({ verifier, resource: RESOURCE }).metadata.document, {
    resource: RESOURCE,
    authorization_servers: ['https://a.tokenguard.test', 'https://b.tokenguard.test'],
    bearer_methods_supported: ['header', 'body'],
  })
  const explicit = protectedResourceMetadata({ verifier, resource: RESOURCE, authorizationServers: ['https://a.tokenguard.test'], allowBodyToken: false })
  assert.deepEqual(explicit.metadata.document.authorization_servers, ['https://a.tokenguard.test'])
  assert.deepEqual(explicit.metadata.document.bearer_methods_supported, ['header'])
})

test('fastify: a passed-in verifier without resource_metadata fails registration', async () => {
  const app = Fastify({ logger: false })
  const verifier = createVerifier({ issuer: ISSUER, audience: RESOURCE, jwksUri: `${ISSUER}/jwks` })
  await assert.rejects(async () => app.register(tokenguard, { verifier, warmup: 'off', protectedResourceMetadata: { resource: RESOURCE } }).ready(), /resourceMetadata/)
  await app.close()
})

test('fastify: a hand-set resourceMetadata that differs from the document is refused', async () => {
  const app = Fastify({ logger: false })
  const options = { issuer: ISSUER, audience: RESOURCE, jwksUri: `${ISSUER}/jwks`, resourceMetadata: 'https://elsewhere.example/meta', warmup: 'off' as const, protectedResourceMetadata: { resource: RESOURCE } }
  await assert.rejects(async () => app.register(tokenguard, options).ready(), /differs from the served document/)
  await app.close()
})

test('fastify: a passed-in verifier that advertises the document is accepted', async () => {
  const app = Fastify({ logger: false })
  const verifier = createVerifier({ issuer: ISSUER, audience: RESOURCE, jwksUri: `${ISSUER}/jwks`, resourceMetadata: resourceMetadataUrl(RESOURCE) })
  await app.register(tokenguard, { verifier, warmup: 'off', protectedResourceMetadata: { resource: RESOURCE } })
  const response = await app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource' })
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { resource: RESOURCE, authorization_servers: [ISSUER], bearer_methods_supported: ['header'] })
  await app.close()
})
