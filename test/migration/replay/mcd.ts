/**
 * The "MCD (Multiple Custom Domains)" and publicKey-with-MCD cases of express-oauth2-jwt-bearer's
 * packages/access-token-jwt/test/jwt-verifier.test.ts, replayed against tokenguard's `issuers` option.
 */
import assert from 'node:assert/strict'
import { createVerifier, type IssuerResolver, type MultiIssuerOptions, type RequestView } from '@tokenguard/core'
import { LOCAL_ISSUER, refused, refusedAtStartup, SECRET, type ReplayCase } from './env.js'

const FILE = 'access-token-jwt/test/jwt-verifier.test.ts'
const many = (options: object) => () => createVerifier(options as MultiIssuerOptions)

export const MCD_CASES: ReplayCase[] = [
  {
    file: FILE, name: 'should throw when both mcd and issuerBaseURL are provided', outcome: 'same',
    note: 'refused at startup: "issuer" beside "issuers"',
    run: async ({ issuer }) => assert.throws(many({ audience: issuer.audience, issuer: issuer.issuer, issuers: [{ issuer: issuer.issuer }] }), /issuer belong in each issuer's entry/),
  },
  {
    file: FILE, name: 'should throw when mcd is provided without issuers', outcome: 'same',
    note: 'refused at startup: "issuers" must be a non-empty array or a resolver',
    run: async ({ issuer }) => refusedAtStartup(many({ audience: issuer.audience, issuers: [] }), 'issuers'),
  },
  {
    file: FILE, name: 'should throw when both mcd and jwksUri are provided', outcome: 'same',
    note: 'refused at startup: keys belong to one issuer (RFC 8725 §3.8)',
    run: async ({ issuer }) => assert.throws(many({ audience: issuer.audience, jwksUri: issuer.jwksUri, issuers: [{ issuer: issuer.issuer }] }), /jwksUri belong in each issuer's entry/),
  },
  {
    file: FILE, name: 'should throw when both mcd and secret are provided', outcome: 'same',
    note: 'refused at startup',
    run: async ({ issuer }) => assert.throws(many({ audience: issuer.audience, secret: SECRET, issuers: [{ issuer: LOCAL_ISSUER }] }), /secret belong in each issuer's entry/),
  },
  {
    file: FILE, name: 'should throw at init when symmetric algorithm configured without secret', outcome: 'same',
    note: 'refused at startup: HS* needs "secret"',
    run: async ({ issuer }) => refusedAtStartup(many({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true, algorithms: ['HS256'] }] }), 'algorithms'),
  },
  {
    file: FILE, name: 'should throw at init when secret provided with asymmetric algorithm', outcome: 'same',
    note: 'refused at startup: with "secret", only HS*',
    run: async ({ issuer }) => refusedAtStartup(many({ audience: issuer.audience, issuers: [{ issuer: LOCAL_ISSUER, secret: SECRET, algorithms: ['RS256'] }] }), 'algorithms'),
  },
  {
    file: FILE, name: 'should throw at init when secret provided without algorithm', outcome: 'different',
    note: 'accepted: with "secret", algorithms defaults to ["HS256"]',
    async run({ issuer, signWith }) {
      await createVerifier({ audience: issuer.audience, issuers: [{ issuer: LOCAL_ISSUER, secret: SECRET }] }).verify(await signWith(SECRET))
    },
  },
  {
    file: FILE, name: 'should verify token with MCD static issuers array', outcome: 'different',
    note: 'accepted, but entries are option objects ({ issuer }): a bare string entry is refused at startup',
    async run({ issuer, fresh }) {
      const other = await fresh()
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }, { issuer: other.issuer, allowInsecureHttp: true }] })
      await verifier.verify(await issuer.sign())
      await verifier.verify(await other.sign())
      assert.throws(many({ audience: issuer.audience, issuers: [issuer.issuer] }), /issuers\[0\] must be an object/)
    },
  },
  {
    file: FILE, name: 'should verify token with MCD issuer config with custom jwksUri', outcome: 'same',
    note: 'accepted',
    run: async ({ issuer }) => void (await createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowInsecureHttp: true }] }).verify(await issuer.sign())),
  },
  {
    file: FILE, name: 'should verify token with MCD symmetric issuer config', outcome: 'same',
    note: 'accepted',
    run: async ({ issuer, signWith }) => void (await createVerifier({ audience: issuer.audience, issuers: [{ issuer: LOCAL_ISSUER, secret: SECRET, algorithms: ['HS256'] }] }).verify(await signWith(SECRET))),
  },
  {
    file: FILE, name: 'should throw when token issuer not in MCD allowed list', outcome: 'same',
    note: '401 issuer_not_trusted, without any network request',
    async run({ issuer, fresh }) {
      const stranger = await fresh()
      await refused(createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }] }).verify(await stranger.sign()), 'issuer_not_trusted', 401)
      assert.equal(stranger.requests.openidConfiguration + stranger.requests.jwks, 0)
    },
  },
  {
    file: FILE, name: 'should throw when token missing iss claim in MCD mode', outcome: 'same',
    note: '401 issuer_not_trusted',
    run: async ({ issuer }) => refused(createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }] }).verify(await issuer.sign({}, { omit: ['iss'] })), 'issuer_not_trusted', 401),
  },
  {
    file: FILE, name: 'should normalize issuer URLs in MCD mode', outcome: 'stricter',
    note: 'issuers compare exactly (RFC 8414 §3.3): case, trailing slash or default port never match',
    async run({ issuer }) {
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: `${issuer.issuer}/`, allowInsecureHttp: true }] })
      await refused(verifier.verify(await issuer.sign()), 'issuer_not_trusted', 401)
    },
  },
  {
    file: FILE, name: 'should work with MCD dynamic resolver function', outcome: 'same',
    note: 'accepted: issuers: (iss, request) => options',
    run: async ({ issuer }) => void (await createVerifier({ audience: issuer.audience, issuers: (iss) => ({ issuer: iss, allowInsecureHttp: true }) }).verify(await issuer.sign())),
  },
  {
    file: FILE, name: 'should throw when empty issuers array provided at runtime', outcome: 'same',
    note: '401 issuer_not_trusted (the resolver answers undefined)',
    run: async ({ issuer }) => refused(createVerifier({ audience: issuer.audience, issuers: () => undefined }).verify(await issuer.sign()), 'issuer_not_trusted', 401),
  },
  {
    file: FILE, name: 'should reject algorithm "none" early', outcome: 'same',
    note: '401 algorithm_not_allowed',
    run: async ({ issuer, unsigned }) =>
      refused(createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }] }).verify(unsigned({ alg: 'none' }, { iss: issuer.issuer, aud: issuer.audience as string })), 'algorithm_not_allowed', 401),
  },
  {
    file: FILE, name: 'should reject RS256 token when expecting symmetric algorithm with secret', outcome: 'same',
    note: '401 algorithm_not_allowed',
    async run({ issuer, localKey, signWith }) {
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: LOCAL_ISSUER, secret: SECRET }] })
      await refused(verifier.verify(await signWith(await localKey())), 'algorithm_not_allowed', 401)
    },
  },
  {
    file: FILE, name: 'should reject HS256 token when no secret configured', outcome: 'same',
    note: '401 algorithm_not_allowed',
    async run({ issuer, signWith }) {
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }] })
      await refused(verifier.verify(await signWith(SECRET, { iss: issuer.issuer })), 'algorithm_not_allowed', 401)
    },
  },
  {
    file: FILE, name: 'should throw InvalidTokenError (not raw SyntaxError) for malformed JWT header', outcome: 'same',
    note: '401 token_malformed',
    run: async ({ issuer }) => refused(createVerifier({ audience: issuer.audience, issuers: (iss) => ({ issuer: iss, allowInsecureHttp: true }) }).verify(`bm90LWpzb24.${(await issuer.sign()).split('.').slice(1).join('.')}`), 'token_malformed', 401),
  },
  {
    file: FILE, name: 'should reject token with missing alg header', outcome: 'same',
    note: '401 token_malformed',
    run: async ({ issuer, unsigned }) => refused(createVerifier({ audience: issuer.audience, issuers: [{ issuer: issuer.issuer, allowInsecureHttp: true }] }).verify(`${unsigned({ typ: 'JWT' }, { iss: issuer.issuer })}c2ln`), 'token_malformed', 401),
  },
  {
    file: FILE, name: 'should pass token claims to dynamic resolver', outcome: 'built',
    note: 'the resolver gets the request view (headers, method, target) beside the unverified iss',
    async run({ issuer }) {
      const seen: Array<RequestView | undefined> = []
      const resolve: IssuerResolver = (iss, request) => (seen.push(request), { issuer: iss, allowInsecureHttp: true })
      const decision = await createVerifier({ audience: issuer.audience, issuers: resolve }).decide({ method: 'GET', url: '/resource', headers: { authorization: `Bearer ${await issuer.sign()}` } })
      assert.equal(decision.outcome, 'accepted')
      assert.equal(seen[0]?.url, '/resource')
    },
  },
  {
    file: FILE, name: 'should work with dynamic resolver when no request context provided', outcome: 'different',
    note: 'verify() without a request passes undefined (not a made-up http://localhost URL and empty headers)',
    async run({ issuer }) {
      const seen: unknown[] = []
      await createVerifier({ audience: issuer.audience, issuers: (iss, request) => (seen.push(request), { issuer: iss, allowInsecureHttp: true }) }).verify(await issuer.sign())
      assert.deepEqual(seen, [undefined])
    },
  },
  {
    file: FILE, name: 'should pass real request context to dynamic resolver', outcome: 'built',
    note: 'the resolver gets the RequestView the adapter built (headers as received); its answer is kept for the issuer',
    async run({ issuer }) {
      const seen: Array<RequestView | undefined> = []
      const verifier = createVerifier({ audience: issuer.audience, issuers: (iss, request) => (seen.push(request), { issuer: iss, allowInsecureHttp: true }) })
      const headers = { 'x-tenant-id': 'tenant1', authorization: `Bearer ${await issuer.sign()}` }
      await verifier.decide({ url: 'https://api.example.com/resource', headers })
      assert.equal(seen[0]?.headers, headers)
      assert.equal(seen[0]?.url, 'https://api.example.com/resource')
    },
  },
  {
    file: FILE, name: 'should throw when dynamic resolver returns non-array', outcome: 'same',
    note: '401 issuer_not_trusted: an answer that is not options for that issuer trusts nothing',
    run: async ({ issuer }) => refused(createVerifier({ audience: issuer.audience, issuers: (() => 'https://tenant1.example.com/') as unknown as IssuerResolver }).verify(await issuer.sign()), 'issuer_not_trusted', 401),
  },
  {
    file: FILE, name: 'should throw when discovery issuer does not match token issuer', outcome: 'different',
    note: '503 keys_misconfigured (the metadata contradicts the configuration: not the token\'s fault); ready() rejects naming the exact issuer',
    async run({ issuer }) {
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: `${issuer.origin}/tenant`, discoveryUrl: issuer.discoveryUrl, allowInsecureHttp: true }] })
      await refused(verifier.verify(await issuer.sign({ iss: `${issuer.origin}/tenant` })), 'keys_misconfigured', 503)
    },
  },
  {
    file: FILE, name: 'should throw error for userinfo in issuer URL', outcome: 'same',
    note: 'refused at startup',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: 'https://user:pass@tenant.example.com', audience: issuer.audience }), 'issuer', /userinfo/),
  },
  {
    file: FILE, name: 'should throw error for query parameters in issuer URL', outcome: 'same',
    note: 'refused at startup',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: 'https://tenant.example.com?x=1', audience: issuer.audience }), 'issuer', /query/),
  },
  {
    file: FILE, name: 'should throw error for URL fragments in issuer URL', outcome: 'same',
    note: 'refused at startup',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: 'https://tenant.example.com#x', audience: issuer.audience }), 'issuer', /fragment/),
  },
  {
    file: FILE, name: 'should not throw error for HTTP in non-production environments', outcome: 'stricter',
    note: 'http is refused whatever NODE_ENV says, unless allowInsecureHttp: true (loopback included)',
    async run({ issuer }) {
      refusedAtStartup(() => createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), 'issuer', /allowInsecureHttp/)
      await createVerifier({ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true }).verify(await issuer.sign())
    },
  },
  {
    file: FILE, name: 'should normalize issuer without protocol by prepending https://', outcome: 'stricter',
    note: 'refused at startup: "issuer" must be the https URL itself',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: 'tenant.example.com', audience: issuer.audience }), 'issuer', /absolute http\(s\) URL/),
  },
  // publicKey with MCD
  {
    file: FILE, name: 'should throw when top-level publicKey is combined with mcd', outcome: 'same',
    note: 'refused at startup',
    async run({ issuer, localKey }) {
      const { pem } = await localKey()
      assert.throws(many({ audience: issuer.audience, publicKey: pem, issuers: [{ issuer: LOCAL_ISSUER }] }), /publicKey belong in each issuer's entry/)
    },
  },
  {
    file: FILE, name: 'should verify token in MCD mode using per-issuer PEM publicKey', outcome: 'built',
    note: 'accepted',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ audience: issuer.audience, issuers: [{ issuer: 'https://tenant1.example.com/', publicKey: key.pem, algorithms: ['RS256'] }] }).verify(await signWith(key, { iss: 'https://tenant1.example.com/' }))
    },
  },
  {
    file: FILE, name: 'should verify token in MCD mode using per-issuer JWK publicKey', outcome: 'built',
    note: 'accepted',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ audience: issuer.audience, issuers: [{ issuer: 'https://tenant2.example.com/', publicKey: key.jwk }] }).verify(await signWith(key, { iss: 'https://tenant2.example.com/' }))
    },
  },
  {
    file: FILE, name: 'should support mixed MCD issuers: one with publicKey, one with JWKS discovery', outcome: 'built',
    note: 'accepted, each token with its own issuer\'s key only',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      const verifier = createVerifier({ audience: issuer.audience, issuers: [{ issuer: 'https://static.example.com/', publicKey: key.pem, algorithms: ['RS256'] }, { issuer: issuer.issuer, allowInsecureHttp: true }] })
      await verifier.verify(await signWith(key, { iss: 'https://static.example.com/' }))
      await verifier.verify(await issuer.sign())
      await refused(verifier.verify(await signWith(key, { iss: issuer.issuer })), 'key_not_found', 401)
    },
  },
  {
    file: FILE, name: 'should throw in MCD static config when issuer has both publicKey and jwksUri', outcome: 'same',
    note: 'refused at startup',
    async run({ issuer, localKey }) {
      const { pem } = await localKey()
      refusedAtStartup(many({ audience: issuer.audience, issuers: [{ issuer: 'https://tenant1.example.com/', publicKey: pem, algorithms: ['RS256'], jwksUri: 'https://tenant1.example.com/jwks' }] }), 'publicKey')
    },
  },
  {
    file: FILE, name: 'should throw at runtime when dynamic resolver returns issuer with both publicKey and secret', outcome: 'different',
    note: '503 keys_misconfigured: options that cannot work are a misconfiguration, not a verdict on the token',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      const verifier = createVerifier({ audience: issuer.audience, issuers: (iss) => ({ issuer: iss, publicKey: key.pem, secret: SECRET, algorithms: ['HS256'] }) })
      await refused(verifier.verify(await signWith(key)), 'keys_misconfigured', 503)
    },
  },
]
