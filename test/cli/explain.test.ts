/**
 * `tokenguard explain` as a user runs it: the built CLI in a subprocess, real tokens, a real issuer on
 * 127.0.0.1 (discovery and JWKS over HTTP). Accepted, each refusal with its failing line and exit code,
 * offline keys, an issuer that is down, stdin, `--at`, `--json`, usage errors — and on every run, that
 * neither the token nor its signature is printed (run-cli.ts checks each run).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer } from '../support/key-server.js'
import { explainJson, failingLine, runCli, type Report } from './run-cli.js'

let server: KeyServer
let dir: string
const now = () => Math.floor(Date.now() / 1000)
// Every run passes --allow-insecure-http: the issuer is http://127.0.0.1, which stricter cores refuse without it.
const against = () => ['--issuer', server.issuer, '--audience', TEST_AUDIENCE, '--allow-insecure-http']

before(async () => {
  server = await startKeyServer()
  dir = await mkdtemp(join(tmpdir(), 'tokenguard-cli-'))
})
after(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

function line(report: Report, id: string): Report['checks'][number] {
  const found = report.checks.find((check) => check.id === id)
  assert.ok(found !== undefined, `line ${id}`)
  return found
}

describe('tokenguard explain: verdicts', () => {
  test('a valid token is accepted (exit 0): every line passes, keys discovered from the issuer', async () => {
    const token = await server.mint()
    const { run, report } = await explainJson(token, [...against(), '--scopes', 'read:data'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(report.verdict, 'accepted')
    assert.equal(report.refusal, null)
    assert.deepEqual(report.checks.filter((check) => check.status !== 'pass'), [])
    assert.deepEqual(report.disagreements, [])
    assert.deepEqual(report.checks.map((check) => check.id), [
      'token_syntax', 'keys', 'issuer_precheck', 'jws_header', 'algorithm', 'key', 'signature', 'claims_set', 'required_claims', 'iss', 'aud', 'nbf', 'exp', 'iat', 'typ',
      'finite_times', 'profile_claims', 'claims_option', 'cnf', 'scopes',
    ])
    assert.deepEqual(report.steps, ['token_syntax', 'keys_usable', 'issuer_precheck', 'algorithm', 'key', 'jwt', 'typ', 'finite_times', 'profile_claims', 'audience_claim', 'claims_option', 'revocation', 'cnf', 'scopes', 'route_claims'])
    assert.equal(report.against.keys.source, 'discovery')
    assert.equal(report.against.keys.jwksUri, server.jwksUri)
    assert.equal(report.against.keys.keyCount, 1)
    assert.match(line(report, 'scopes').compared, /needs all of read:data; granted read:data/)
  })

  const refusals: Array<{ name: string; line: string; reason: string; status?: number; mint: () => Promise<string>; args?: string[] }> = [
    { name: 'expired', line: 'exp', reason: 'token_expired', mint: () => server.mint({ iat: now() - 900, exp: now() - 600 }) },
    { name: 'not yet valid', line: 'nbf', reason: 'token_not_yet_valid', mint: () => server.mint({ nbf: now() + 600 }) },
    { name: 'wrong audience', line: 'aud', reason: 'audience_mismatch', mint: () => server.mint({ aud: 'https://other-api.example' }) },
    { name: 'wrong issuer', line: 'issuer_precheck', reason: 'issuer_mismatch', mint: () => server.mint({ iss: 'https://evil.example' }) },
    { name: 'no issuer', line: 'issuer_precheck', reason: 'claim_missing', mint: () => server.mint({}, { omit: ['iss'] }) },
    { name: 'bad signature', line: 'signature', reason: 'signature_invalid', mint: async () => server.mint({}, { key: { ...(await generateSigningKey('RS256')), kid: server.published[0]!.kid } }) },
    { name: 'unknown kid', line: 'key', reason: 'key_not_found', mint: () => server.mint({}, { header: { kid: 'no-such-key' } }) },
    { name: 'wrong typ', line: 'typ', reason: 'token_type_not_allowed', mint: () => server.mint({}, { header: { typ: 'dpop+jwt' } }) },
    { name: 'untyped under rfc9068', line: 'typ', reason: 'token_type_not_allowed', mint: () => server.mint({}, { header: { typ: 'JWT' } }), args: ['--profile', 'rfc9068'] },
    { name: 'missing scope', line: 'scopes', reason: 'insufficient_scope', status: 403, mint: () => server.mint(), args: ['--scopes', 'read:data,write:data'] },
    { name: 'none of the any-scopes', line: 'scopes', reason: 'insufficient_scope', status: 403, mint: () => server.mint(), args: ['--any-scopes', 'admin,write:data'] },
    { name: 'cnf-bound', line: 'cnf', reason: 'token_binding_unverified', mint: () => server.mint({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }) },
    { name: 'algorithm not allowed', line: 'algorithm', reason: 'algorithm_not_allowed', mint: () => server.mint(), args: ['--algorithms', 'ES256,EdDSA'] },
    { name: 'required claim missing (rfc9068)', line: 'required_claims', reason: 'claim_missing', mint: () => server.mint({}, { omit: ['jti'] }), args: ['--profile', 'rfc9068'] },
    { name: 'RFC 9068 claim type', line: 'profile_claims', reason: 'claim_invalid', mint: () => server.mint({ sub: 1 as unknown as string }), args: ['--profile', 'rfc9068'] },
    { name: 'claims option', line: 'claims_option', reason: 'claim_invalid', mint: () => server.mint({ tenant: 'globex' }), args: ['--claim', 'tenant=acme'] },
    { name: 'exp not a number', line: 'exp', reason: 'claim_invalid', mint: () => server.mint({ exp: 'tomorrow' as unknown as number }) },
    { name: 'audience claim', line: 'audience_claim', reason: 'audience_mismatch', mint: () => server.mint({ client_id: 'someone-else' }), args: ['--audience-claim', 'client_id'] },
  ]

  for (const refusal of refusals) {
    test(`${refusal.name}: refused (exit 1), the ${refusal.line} line fails with ${refusal.reason} and its fix`, async () => {
      const { run, report } = await explainJson(await refusal.mint(), [...against(), ...(refusal.args ?? [])])
      assert.equal(run.code, 1, run.stdout)
      assert.equal(report.verdict, 'refused')
      assert.equal(report.refusal?.reason, refusal.reason)
      assert.equal(report.refusal?.status, refusal.status ?? 401)
      const failing = failingLine(report)
      assert.equal(failing.id, refusal.line)
      assert.equal(failing.reason, refusal.reason)
      assert.ok((failing.hint ?? '').length > 1, 'a fix hint')
      assert.deepEqual(report.disagreements, [], 'every derived line agrees with verify()')
      // Lines after the failing one were not reached; lines before it passed.
      const index = report.checks.indexOf(failing)
      assert.deepEqual(new Set(report.checks.slice(0, index).map((check) => check.status)), new Set(index === 0 ? [] : ['pass']))
      assert.ok(report.checks.slice(index + 1).every((check) => check.status === 'skip'))
    })
  }

  test('a foreign issuer is refused before its kid is looked up: no refetch for an unknown kid', async () => {
    const fresh = await startKeyServer()
    try {
      const token = await fresh.mint({ iss: 'https://evil.example' }, { header: { kid: 'kid-of-evil' } })
      const { report } = await explainJson(token, ['--issuer', fresh.issuer, '--audience', TEST_AUDIENCE, '--allow-insecure-http'])
      assert.equal(failingLine(report).id, 'issuer_precheck')
      assert.equal(line(report, 'keys').status, 'pass')
      // The cold fetch only: an unknown kid in a token this issuer did not sign triggers no refetch.
      assert.deepEqual({ discovery: fresh.counts.discovery, jwks: fresh.counts.jwks }, { discovery: 1, jwks: 1 })
    } finally {
      await fresh.close()
    }
  })

  test('a later check that would also fail is named on its skipped line', async () => {
    const { report } = await explainJson(await server.mint({ aud: 'https://other-api.example', iat: now() - 900, exp: now() - 600 }), against())
    assert.equal(failingLine(report).id, 'aud') // jose checks aud before exp
    assert.equal(line(report, 'exp').status, 'skip')
    assert.match(line(report, 'exp').note ?? '', /^not reached; would fail: exp \d+/)
  })

  test('a malformed token fails the token syntax line', async () => {
    const run = await runCli(['explain', 'not-a-jwt', ...against(), '--json'])
    assert.equal(run.code, 1)
    const report = JSON.parse(run.stdout) as Report
    assert.equal(failingLine(report).id, 'token_syntax')
    assert.equal(report.refusal?.reason, 'token_malformed')
  })
})

describe('tokenguard explain: --at', () => {
  test('a token valid now is expired at a later --at (ISO 8601)', async () => {
    const token = await server.mint({ exp: now() + 300 })
    const later = new Date((now() + 3600) * 1000).toISOString()
    const { run, report } = await explainJson(token, [...against(), '--at', later])
    assert.equal(run.code, 1)
    assert.equal(failingLine(report).id, 'exp')
    assert.equal(report.against.clock, '--at')
    assert.equal(report.against.at, later)
  })

  test('a token expired now is accepted at an earlier --at (epoch seconds): the clock reaches jose', async () => {
    const issuedAt = now() - 7200
    const token = await server.mint({ iat: issuedAt, exp: issuedAt + 300 })
    assert.equal((await explainJson(token, against())).run.code, 1, 'refused now')
    const { run, report } = await explainJson(token, [...against(), '--at', String(issuedAt + 60)])
    assert.equal(run.code, 0, run.stdout)
    assert.equal(report.against.atEpoch, issuedAt + 60)
  })

  test('an --at that is not a time is a usage error (exit 2)', async () => {
    const run = await runCli(['explain', await server.mint(), ...against(), '--at', 'yesterday'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /--at "yesterday" is not a time: give ISO 8601/)
  })
})

describe('tokenguard explain: keys', () => {
  test('offline keys from a JWKS file: accepted with no request to the issuer', async () => {
    const offline = await startKeyServer()
    const token = await offline.mint()
    const file = join(dir, 'jwks.json')
    await writeFile(file, JSON.stringify({ keys: offline.published.map((key) => key.publicJwk) }))
    await offline.stop() // nothing listens any more: any fetch would fail
    try {
      const { run, report } = await explainJson(token, ['--issuer', offline.issuer, '--audience', TEST_AUDIENCE, '--jwks', file, '--allow-insecure-http'])
      assert.equal(run.code, 0, run.stdout)
      assert.deepEqual(report.against.keys, { source: 'file', from: file, keyCount: 1, fetched: false })
      assert.equal(offline.counts.discovery + offline.counts.jwks, 0)
    } finally {
      await offline.close()
    }
  })

  test('a JWKS URL skips discovery', async () => {
    const fresh = await startKeyServer()
    try {
      const { run, report } = await explainJson(await fresh.mint(), ['--issuer', fresh.issuer, '--audience', TEST_AUDIENCE, '--jwks', fresh.jwksUri, '--allow-insecure-http'])
      assert.equal(run.code, 0, run.stdout)
      assert.equal(report.against.keys.source, 'jwks_uri')
      assert.equal(fresh.counts.discovery, 0)
      assert.equal(fresh.counts.jwks, 1)
    } finally {
      await fresh.close()
    }
  })

  test('a key server that is down: exit 2, the keys line fails with keys_unavailable (503), not a refusal of the token', async () => {
    const down = await startKeyServer()
    const token = await down.mint()
    await down.stop()
    try {
      const { run, report } = await explainJson(token, ['--issuer', down.issuer, '--audience', TEST_AUDIENCE, '--allow-insecure-http'])
      assert.equal(run.code, 2)
      assert.equal(report.verdict, 'unavailable')
      assert.equal(report.refusal?.status, 503)
      assert.equal(failingLine(report).id, 'keys')
      assert.equal(report.against.keys.fetched, true)
      assert.ok((report.against.keys.failure ?? '').length > 0, 'the fetch failure is reported')
      const text = await runCli(['explain', token, '--issuer', down.issuer, '--audience', TEST_AUDIENCE, '--allow-insecure-http'])
      assert.equal(text.code, 2)
      assert.match(text.stdout, /^tokenguard explain: KEYS UNAVAILABLE: 503 temporarily_unavailable \(keys_unavailable\)/)
    } finally {
      await down.close()
    }
  })

  test('discovery that names another issuer: exit 2, keys_misconfigured (503) on the keys line, with the fix', async () => {
    const issuer = `${server.issuer}/` // the metadata says it without the slash
    const { run, report } = await explainJson(await server.mint({ iss: issuer }), ['--issuer', issuer, '--audience', TEST_AUDIENCE, '--allow-insecure-http'])
    assert.equal(run.code, 2, run.stdout)
    assert.equal(report.refusal?.reason, 'keys_misconfigured')
    assert.equal(failingLine(report).id, 'keys')
    assert.match(report.refusal?.hint ?? '', /ConfigurationError/)
  })

  test('an unreadable JWKS file is a usage error (exit 2)', async () => {
    const run = await runCli(['explain', await server.mint(), ...against(), '--jwks', join(dir, 'missing.json')])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /cannot read the JWKS file/)
  })
})

describe('tokenguard explain: input and output', () => {
  test('the token from standard input ("-"), with a pasted "Bearer " prefix', async () => {
    const token = await server.mint()
    const { run, report } = await explainJson(token, against(), { stdin: `Bearer ${token}\n` })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(report.token.strippedBearerPrefix, true)
    assert.equal(report.token.length, token.length)
  })

  test('--json is one object for scripts: verdict, refusal, token summary, what it was checked against, lines', async () => {
    const token = await server.mint({ iat: now() - 900, exp: now() - 600 })
    const { report } = await explainJson(token, [...against(), '--scopes', 'read:data'])
    assert.deepEqual(Object.keys(report), ['verdict', 'exitCode', 'refusal', 'token', 'against', 'checks', 'steps', 'disagreements'])
    assert.equal(report.exitCode, 1)
    assert.deepEqual(Object.keys(report.refusal ?? {}), ['status', 'code', 'reason', 'detail', 'hint'])
    assert.equal(report.refusal?.hint, 'the client must refresh before expiry; check clock skew (`exp` and `now` are in the line)')
    assert.deepEqual(report.token.header, { alg: 'RS256', kid: server.published[0]!.kid, typ: 'at+jwt' })
    assert.equal(report.token.claims?.iss, server.issuer)
    assert.equal(report.against.issuer, server.issuer)
    assert.deepEqual(report.against.audience, [TEST_AUDIENCE])
    for (const check of report.checks) {
      assert.deepEqual(Object.keys(check).slice(0, 5), ['id', 'label', 'status', 'by', 'compared'])
      assert.ok(['verifier', 'jose'].includes(check.by))
    }
    const exp = line(report, 'exp')
    assert.equal(exp.by, 'jose')
    assert.match(exp.compared, /^exp \d+ \(.+ ago\) must be after now \d+ \(.+\) − 5s tolerance$/)
  })

  test('the text report: headline with the fix, the failing line with verify()\'s detail', async () => {
    const token = await server.mint({ aud: 'https://other-api.example' })
    const run = await runCli(['explain', token, ...against()])
    assert.equal(run.code, 1)
    const lines = run.stdout.split('\n')
    assert.equal(lines[0], 'tokenguard explain: REFUSED: 401 invalid_token (audience_mismatch)')
    assert.match(run.stdout, /\n {2}FAIL {2}aud +token "https:\/\/other-api\.example", expected one of \["https:\/\/api\.tokenguard\.test"\]\n +verify\(\): audience_mismatch/)
    assert.match(run.stdout, /fix: request the token for this API/)
    assert.match(run.stdout, /the signature is never shown/)
  })

  test('long claim values are bounded in the output', async () => {
    const token = await server.mint({ blob: 'x'.repeat(3000), many: Array.from({ length: 50 }, (_, i) => `item-${i}`) })
    const { report, run } = await explainJson(token, against())
    assert.equal(run.code, 0)
    assert.match(String(report.token.claims?.blob), /^x{120}… \(3000 characters\)$/)
    assert.equal((report.token.claims?.many as unknown[]).length, 11)
    assert.ok(run.stdout.length < 20_000)
  })

  test('usage errors exit 2 and name the fix; with --json they are a JSON object too', async () => {
    const token = await server.mint()
    const missing = await runCli(['explain', token, '--audience', TEST_AUDIENCE])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /--issuer is required/)
    const unknown = await runCli(['explain', token, ...against(), '--scope', 'read:data'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /Unknown option '--scope'/)
    const json = await runCli(['explain', token, '--audience', TEST_AUDIENCE, '--json'])
    assert.equal(json.code, 2)
    assert.deepEqual(JSON.parse(json.stdout), { verdict: 'error', exitCode: 2, error: { kind: 'usage', message: '--issuer is required (the issuer identifier your API trusts, exactly as tokens carry it in "iss")' } })
    const badScope = await runCli(['explain', token, ...against(), '--scopes', 'read"data'])
    assert.equal(badScope.code, 2)
    assert.match(badScope.stderr, /is not a valid scope name/)
    const insecure = await runCli(['explain', token, '--issuer', server.issuer, '--audience', TEST_AUDIENCE])
    assert.equal(insecure.code, 2)
    assert.match(insecure.stderr, /"issuer" must use https .* \[--issuer\] \(on the command line: --allow-insecure-http\)/)
    const command = await runCli(['verify', token])
    assert.equal(command.code, 2)
    assert.match(command.stderr, /unknown command "verify"/)
  })

  test('--help prints the usage (exit 0)', async () => {
    const run = await runCli(['explain', '--help'])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /^Usage: tokenguard explain \[token \| -\] --issuer <url> --audience <id>/)
  })
})
