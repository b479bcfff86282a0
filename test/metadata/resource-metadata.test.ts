/**
 * RFC 9728 in core: the document's fields, the path-aware well-known location (§3.1), and validation of
 * every field at startup.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildResourceMetadata, resourceMetadataPath, resourceMetadataUrl } from '@tokenguard/core'
import { resourceMetadataDefaults, resourceMetadataResponse } from '@tokenguard/core/adapter'

describe('resourceMetadataPath / resourceMetadataUrl (RFC 9728 §3.1)', () => {
  const cases: Array<[resource: string, path: string]> = [
    ['https://api.example.com', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/mcp', '/.well-known/oauth-protected-resource/mcp'],
    ['https://api.example.com/v1/orders', '/.well-known/oauth-protected-resource/v1/orders'],
    ['https://api.example.com/mcp/', '/.well-known/oauth-protected-resource/mcp/'],
    ['https://api.example.com:8443/tenant/a', '/.well-known/oauth-protected-resource/tenant/a'],
    ['http://127.0.0.1:3000/mcp', '/.well-known/oauth-protected-resource/mcp'],
  ]
  for (const [resource, path] of cases) {
    test(`${resource} → ${path}`, () => {
      assert.equal(resourceMetadataPath(resource), path)
      assert.equal(resourceMetadataUrl(resource), `${new URL(resource).origin}${path}`)
    })
  }

  test('the well-known suffix goes between host and path, never after the path', () => {
    assert.equal(resourceMetadataUrl('https://api.example.com/mcp'), 'https://api.example.com/.well-known/oauth-protected-resource/mcp')
  })

  for (const bad of ['api.example.com', 'https://api.example.com/?tenant=a', 'https://api.example.com/#x', 'http://api.example.com', 'ftp://api.example.com', 'https://user:pw@api.example.com', '']) {
    test(`refuses resource ${JSON.stringify(bad)}`, () => {
      assert.throws(() => resourceMetadataPath(bad), TypeError)
      assert.throws(() => buildResourceMetadata({ resource: bad }), TypeError)
    })
  }
})

describe('buildResourceMetadata (RFC 9728 §2)', () => {
  test('a minimal document: resource, and bearer tokens in the header only', () => {
    assert.deepEqual(buildResourceMetadata({ resource: 'https://api.example.com' }), { resource: 'https://api.example.com', bearer_methods_supported: ['header'] })
  })

  test('resource is echoed exactly as configured (trailing slash kept)', () => {
    assert.equal(buildResourceMetadata({ resource: 'https://api.example.com/' }).resource, 'https://api.example.com/')
  })

  test('every standard field, in snake_case', () => {
    const document = buildResourceMetadata({
      resource: 'https://api.example.com/mcp',
      authorizationServers: ['https://id.example.com'],
      jwksUri: 'https://api.example.com/jwks',
      scopesSupported: ['tools:read', 'tools:call'],
      allowBodyToken: true,
      allowQueryToken: true,
      resourceSigningAlgValuesSupported: ['ES256'],
      resourceName: 'Example MCP server',
      resourceDocumentation: 'https://docs.example.com/mcp',
      resourcePolicyUri: 'https://example.com/policy',
      resourceTosUri: 'https://example.com/tos',
      tlsClientCertificateBoundAccessTokens: false,
      dpopBoundAccessTokensRequired: false,
      additionalFields: { organization: 'example' },
    })
    assert.deepEqual(document, {
      resource: 'https://api.example.com/mcp',
      authorization_servers: ['https://id.example.com'],
      jwks_uri: 'https://api.example.com/jwks',
      scopes_supported: ['tools:read', 'tools:call'],
      bearer_methods_supported: ['header', 'body', 'query'],
      resource_signing_alg_values_supported: ['ES256'],
      resource_name: 'Example MCP server',
      resource_documentation: 'https://docs.example.com/mcp',
      resource_policy_uri: 'https://example.com/policy',
      resource_tos_uri: 'https://example.com/tos',
      tls_client_certificate_bound_access_tokens: false,
      dpop_bound_access_tokens_required: false,
      organization: 'example',
    })
  })

  test('issue 12 finding 1: the document cannot advertise sender constraints nothing enforces', () => {
    for (const field of [{ dpopBoundAccessTokensRequired: true }, { tlsClientCertificateBoundAccessTokens: true }, { dpopSigningAlgValuesSupported: ['ES256'] }]) {
      assert.throws(() => buildResourceMetadata({ resource: 'https://api.example.com', ...field }), /which this verifier does not enforce; serve the document with the verifier/, JSON.stringify(field))
    }
  })

  test('additional fields cannot replace standard ones', () => {
    assert.throws(() => buildResourceMetadata({ resource: 'https://api.example.com', additionalFields: { resource: 'https://evil.example' } }), /replace a standard/)
    assert.throws(() => buildResourceMetadata({ resource: 'https://api.example.com', additionalFields: { bearer_methods_supported: ['query'] } }), /replace a standard/)
  })

  test('bad fields are refused at startup', () => {
    const resource = 'https://api.example.com'
    assert.throws(() => buildResourceMetadata({ resource, authorizationServers: ['not a url'] }), /authorizationServers/)
    assert.throws(() => buildResourceMetadata({ resource, authorizationServers: 'https://id.example.com' as unknown as string[] }), /must be an array/)
    assert.throws(() => buildResourceMetadata({ resource, scopesSupported: ['two words'] }), /scopesSupported/)
    assert.throws(() => buildResourceMetadata({ resource, resourceName: '' }), /resourceName/)
    assert.throws(() => buildResourceMetadata({ resource, dpopBoundAccessTokensRequired: 'yes' as unknown as boolean }), /dpopBoundAccessTokensRequired/)
  })
})

describe('resourceMetadataResponse and defaults', () => {
  test('JSON body, cacheable, readable cross-origin', () => {
    const response = resourceMetadataResponse({ resource: 'https://api.example.com/v1' }, 120_000)
    assert.equal(response.path, '/.well-known/oauth-protected-resource/v1')
    assert.equal(response.url, 'https://api.example.com/.well-known/oauth-protected-resource/v1')
    assert.deepEqual(JSON.parse(response.body), response.document)
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(response.headers['cache-control'], 'public, max-age=120')
    assert.equal(response.headers['access-control-allow-origin'], '*')
    assert.equal(resourceMetadataResponse({ resource: 'https://api.example.com' }).headers['cache-control'], 'public, max-age=3600')
    assert.throws(() => resourceMetadataResponse({ resource: 'https://api.example.com' }, -1), /cacheMaxAge/)
  })

  test('defaults from a verifier: its issuers, its token methods', () => {
    const extract = { allowBodyToken: true, allowQueryToken: false }
    assert.deepEqual(resourceMetadataDefaults({ issuers: ['https://a.example', 'https://b.example'], extract }), {
      authorizationServers: ['https://a.example', 'https://b.example'],
      allowBodyToken: true,
      allowQueryToken: false,
    })
    assert.equal(resourceMetadataDefaults({ issuers: [], extract }).authorizationServers, undefined)
  })
})
