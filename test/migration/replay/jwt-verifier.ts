/**
 * packages/access-token-jwt/test/jwt-verifier.test.ts of express-oauth2-jwt-bearer (single issuer, caches,
 * the `publicKey` option), replayed against tokenguard.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier } from '@tokenguard/core'
import { LOCAL_ISSUER, refused, refusedAtStartup, SECRET, type ReplayCase } from './env.js'

const FILE = 'access-token-jwt/test/jwt-verifier.test.ts'
const now = () => Math.floor(Date.now() / 1000)

export const JWT_VERIFIER_CASES: ReplayCase[] = [
  {
    file: FILE, name: 'should throw when configured with no jwksUri or issuerBaseURL and issuer', outcome: 'same',
    note: 'refused at startup: "issuer" is required',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ audience: issuer.audience } as never), 'issuer'),
  },
  {
    file: FILE, name: 'should throw when configured with no audience', outcome: 'same',
    note: 'refused at startup: "audience" is required',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: issuer.issuer, allowInsecureHttp: true } as never), 'audience'),
  },
  {
    file: FILE, name: 'should throw when configured with secret and no token signing alg', outcome: 'different',
    note: 'accepted: with "secret", "algorithms" defaults to ["HS256"] (still one pinned algorithm)',
    async run({ issuer, signWith }) {
      const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, secret: SECRET })
      assert.deepEqual(verifier.settings.algorithms, ['HS256'])
      await verifier.verify(await signWith(SECRET))
    },
  },
  {
    file: FILE, name: 'should throw when configured with secret and invalid token signing alg', outcome: 'same',
    note: 'refused at startup: algorithms ["none"]',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, secret: SECRET, algorithms: ['none'] }), 'algorithms'),
  },
  {
    file: FILE, name: 'should throw when configured with JWKS uri and invalid token signing alg', outcome: 'same',
    note: 'refused at startup: algorithms ["none"]',
    run: async ({ issuer, verifier }) => refusedAtStartup(() => verifier({ jwksUri: issuer.jwksUri, algorithms: ['none'] }), 'algorithms'),
  },
  {
    file: FILE, name: 'should verify the token', outcome: 'same',
    note: 'accepted; the claims are on the result',
    async run({ issuer, verifier }) {
      const auth = await verifier({ jwksUri: issuer.jwksUri }).verify(await issuer.sign({ sub: 'me' }))
      assert.equal(auth.claims.sub, 'me')
      assert.equal(auth.claims.iss, issuer.issuer)
    },
  },
  {
    file: FILE, name: 'should throw for unexpected issuer', outcome: 'same',
    note: '401 issuer_mismatch (checked before any key lookup)',
    run: async ({ issuer, verifier }) => refused(verifier({ jwksUri: issuer.jwksUri }).verify(await issuer.sign({ iss: 'https://issuer1.example.com/' })), 'issuer_mismatch', 401),
  },
  {
    file: FILE, name: 'should throw for unexpected audience', outcome: 'same',
    note: '401 audience_mismatch',
    run: async ({ issuer, verifier }) => refused(verifier().verify(await issuer.sign({}, { audience: 'https://api1/' })), 'audience_mismatch', 401),
  },
  {
    file: FILE, name: 'should throw for an expired token', outcome: 'same',
    note: '401 token_expired (the default tolerance is 5 s, as the peer\'s)',
    run: async ({ issuer, verifier }) => refused(verifier().verify(await issuer.sign({ exp: now() - 10 })), 'token_expired', 401),
  },
  {
    file: FILE, name: 'should throw for invalid nbf', outcome: 'same',
    note: '401 token_not_yet_valid',
    run: async ({ issuer, verifier }) => refused(verifier().verify(await issuer.sign({ nbf: now() + 1000 })), 'token_not_yet_valid', 401),
  },
  {
    file: FILE, name: 'should validate nbf claim with clockTolerance', outcome: 'different',
    note: 'clockTolerance is milliseconds (or "5s"), at most 5 min: the peer\'s 5000 (seconds) is 5 s here, and "5000s" is refused at startup',
    async run({ issuer, verifier }) {
      await refused(verifier({ clockTolerance: 5000 }).verify(await issuer.sign({ nbf: now() + 1000 })), 'token_not_yet_valid', 401)
      refusedAtStartup(() => verifier({ clockTolerance: '5000s' }), 'clockTolerance', /at most 5 min/)
      await verifier({ clockTolerance: '5m' }).verify(await issuer.sign({ nbf: now() + 240 }))
    },
  },
  {
    file: FILE, name: 'should throw unexpected token signing alg', outcome: 'same',
    note: '401 algorithm_not_allowed (HS256 token, algorithms ["HS384"])',
    async run({ issuer, signWith }) {
      const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, secret: SECRET, algorithms: ['HS384'] })
      await refused(verifier.verify(await signWith(SECRET)), 'algorithm_not_allowed', 401)
    },
  },
  {
    file: FILE, name: 'should fail with invalid_token error', outcome: 'same',
    note: '401 invalid_token (token_malformed)',
    run: async ({ issuer, verifier }) => refused(verifier().verify(`CORRUPT-${await issuer.sign()}`), 'token_malformed', 401),
  },
  {
    file: FILE, name: 'should honor configured cache max age', outcome: 'built',
    note: 'cacheMaxAge (key set) and discoveryCacheMaxAge (discovery) age each cache; at least 100 ms, and under a second written with its unit (\'100ms\'; a bare 10 or 100 is refused); refreshes run in the background',
    async run({ fresh, verifier }) {
      const own = await fresh()
      refusedAtStartup(() => verifier({ cacheMaxAge: 10 }, own), 'cacheMaxAge', /10 ms is implausible/)
      refusedAtStartup(() => verifier({ cacheMaxAge: '10ms' }, own), 'cacheMaxAge', /at least 100 ms/)
      const cached = verifier({ cacheMaxAge: '100ms', discoveryCacheMaxAge: '100ms' }, own)
      const token = await own.sign()
      await cached.verify(token)
      await sleep(150)
      await cached.verify(token)
      await own.requested('jwks', 2)
      assert.equal(own.requests.openidConfiguration, 2, 'discovered again too')
    },
  },
  {
    file: FILE, name: 'should not cache failed requests', outcome: 'different',
    note: 'an issuer that answers 500 is 503 keys_unavailable (not 401); the next attempt, after retryDelay, fetches again and succeeds',
    async run({ fresh, verifier }) {
      const own = await fresh()
      const cold = verifier({ retryDelay: '10ms' }, own)
      const token = await own.sign()
      await own.outage('503')
      await refused(cold.verify(token), 'keys_unavailable', 503)
      await own.restore()
      await sleep(30)
      await cold.verify(token)
    },
  },
  {
    file: FILE, name: 'should honor custom cache.discovery maxEntries configuration', outcome: 'built',
    note: 'discoveryCacheSize (with an issuer resolver): discovery results remembered for issuers out of the maxIssuers kept',
    async run({ issuer, multi }) {
      await multi({ issuers: (iss) => ({ issuer: iss, allowInsecureHttp: true }), discoveryCacheSize: 2 }).verify(await issuer.sign())
    },
  },
  {
    file: FILE, name: 'should honor custom cache.jwks maxEntries configuration', outcome: 'built',
    note: 'keySetCacheSize (with an issuer resolver): key sets remembered for issuers out of the maxIssuers kept',
    async run({ issuer, multi }) {
      await multi({ issuers: (iss) => ({ issuer: iss, allowInsecureHttp: true }), keySetCacheSize: 2 }).verify(await issuer.sign())
    },
  },
  {
    file: FILE, name: 'should use default cache settings when cache option not provided', outcome: 'same',
    note: 'accepted with defaults (key set 10 min, discovery 24 h)',
    run: async ({ issuer, verifier }) => void (await verifier().verify(await issuer.sign())),
  },
  {
    file: FILE, name: 'should prioritize cache.discovery.ttl over deprecated cacheMaxAge', outcome: 'built',
    note: 'discoveryCacheMaxAge is independent of cacheMaxAge: key set refreshes reuse a younger discovery',
    async run({ fresh, verifier }) {
      const own = await fresh()
      const cached = verifier({ cacheMaxAge: '100ms', discoveryCacheMaxAge: '2m' }, own)
      const token = await own.sign()
      await cached.verify(token)
      await sleep(150)
      await cached.verify(token)
      await own.requested('jwks', 2)
      assert.equal(own.requests.openidConfiguration, 1)
    },
  },
  // publicKey option
  {
    file: FILE, name: 'should throw when publicKey and jwksUri are both provided', outcome: 'same',
    note: 'refused at startup',
    async run({ issuer, localKey }) {
      const { jwk } = await localKey()
      refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: jwk, jwksUri: 'https://issuer.example.com/jwks' }), 'publicKey')
    },
  },
  {
    file: FILE, name: 'should throw when publicKey and secret are both provided', outcome: 'same',
    note: 'refused at startup',
    async run({ issuer, localKey }) {
      const { pem } = await localKey()
      refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: pem, algorithms: ['RS256'], secret: SECRET }), 'secret')
    },
  },
  {
    file: FILE, name: 'should throw when publicKey and issuerBaseURL are both provided', outcome: 'same',
    note: 'refused at startup: publicKey with discoveryUrl (tokenguard always takes "issuer"; with publicKey nothing is discovered)',
    async run({ issuer, localKey }) {
      const { pem } = await localKey()
      refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: pem, algorithms: ['RS256'], discoveryUrl: `${LOCAL_ISSUER}.well-known/openid-configuration` }), 'publicKey')
    },
  },
  {
    file: FILE, name: 'should throw when PEM publicKey is used without tokenSigningAlg', outcome: 'stricter',
    note: 'refused at startup (ConfigurationError naming "algorithms"), not on the first token',
    async run({ issuer, localKey }) {
      const { pem } = await localKey()
      refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: pem }), 'algorithms', /one key verifies one algorithm/)
    },
  },
  {
    file: FILE, name: 'should verify token using PEM SPKI public key', outcome: 'built',
    note: 'accepted: publicKey (PEM SPKI) with algorithms ["RS256"]',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: key.pem, algorithms: ['RS256'] }).verify(await signWith(key))
    },
  },
  {
    file: FILE, name: 'should reject a token signed with a different key when using PEM', outcome: 'built',
    note: '401 signature_invalid',
    async run({ issuer, localKey, signWith }) {
      const [key, wrong] = [await localKey(), await localKey()]
      await refused(createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: wrong.pem, algorithms: ['RS256'] }).verify(await signWith(key)), 'signature_invalid', 401)
    },
  },
  {
    file: FILE, name: 'should verify token using a single JWK public key', outcome: 'built',
    note: 'accepted: publicKey (one JWK)',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: key.jwk, algorithms: ['RS256'] }).verify(await signWith(key))
    },
  },
  {
    file: FILE, name: 'should throw when a symmetric JWK (kty: "oct") is passed as publicKey', outcome: 'stricter',
    note: 'refused at startup (the fix: "secret"), not on the first token',
    run: async ({ issuer }) => refusedAtStartup(() => createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: { kty: 'oct', k: 'c2VjcmV0LWtleQ', alg: 'HS256' } }), 'publicKey', /"secret"/),
  },
  {
    file: FILE, name: 'should verify token using a JWK with alg field (no tokenSigningAlg needed)', outcome: 'built',
    note: 'accepted: the JWK\'s "alg" is its one algorithm',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, publicKey: key.jwk }).verify(await signWith(key))
    },
  },
  {
    file: FILE, name: 'should verify token using an inline JWK Set', outcome: 'same',
    note: 'accepted: a JWK Set is the "jwks" option',
    async run({ issuer, localKey, signWith }) {
      const key = await localKey()
      await createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, jwks: { keys: [key.jwk] } }).verify(await signWith(key))
    },
  },
  {
    file: FILE, name: 'should reject a token when the kid does not match any key in the inline JWK Set', outcome: 'same',
    note: '401 key_not_found',
    async run({ issuer, localKey, signWith }) {
      const [key, other] = [await localKey('key-1'), await localKey('key-2')]
      await refused(createVerifier({ issuer: LOCAL_ISSUER, audience: issuer.audience, jwks: { keys: [other.jwk] } }).verify(await signWith(key)), 'key_not_found', 401)
    },
  },
  {
    file: FILE, name: 'should not make any network requests when publicKey is provided', outcome: 'built',
    note: 'accepted; the issuer on 127.0.0.1 receives no request',
    async run({ fresh, localKey, signWith }) {
      const own = await fresh()
      const key = await localKey()
      const verifier = createVerifier({ issuer: own.issuer, allowInsecureHttp: true, audience: own.audience, publicKey: key.pem, algorithms: ['RS256'] })
      await verifier.verify(await signWith(key, { iss: own.issuer }))
      assert.deepEqual({ ...own.requests }, { openidConfiguration: 0, oauthAuthorizationServer: 0, jwks: 0, other: 0 })
    },
  },
]
