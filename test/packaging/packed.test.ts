/**
 * What users install is what was tested: pack every package with npm, install the tarballs into an empty
 * project (with Express, Fastify, Hono and ioredis as the application would; npm brings NestJS as the nestjs
 * package's peer), and use them through their `exports` maps.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const PACKAGES = ['core', 'express', 'fastify', 'fetch', 'hono', 'nestjs', 'client', 'redis', 'cli']

let dir: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenguard-packed-'))
  for (const name of PACKAGES) await run('npm', ['pack', '-w', `packages/${name}`, '--pack-destination', dir], { cwd: root })
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const tarballs = (await readdir(dir)).filter((file) => file.endsWith('.tgz')).map((file) => `./${file}`)
  assert.equal(tarballs.length, PACKAGES.length)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs, 'express@5', 'fastify@5', 'hono@4', 'ioredis@5'], { cwd: dir, timeout: 180_000 })
})
after(() => rm(dir, { recursive: true, force: true }))

test('every exports target exists in the installed packages', async () => {
  for (const name of PACKAGES) {
    const installed = join(dir, 'node_modules', '@tokenguard', name)
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string> }
    for (const target of Object.values(manifest.exports)) {
      for (const file of typeof target === 'string' ? [target] : [target.types, target.default]) {
        assert.ok(existsSync(join(installed, file)), `${name}: ${file} is missing from the package`)
      }
    }
    assert.ok(!existsSync(join(installed, 'tsconfig.tsbuildinfo')), `${name}: build info should not ship`)
    // "license": "MIT" asks for the text to travel with every copy; npm packs a LICENSE only from the package's own directory.
    assert.match(await readFile(join(installed, 'LICENSE'), 'utf8'), /^MIT License/, `${name}: LICENSE is missing from the package`)
  }
})

test('the installed packages verify a token through core, Express, Fastify, the fetch handler, Hono and NestJS\'s module', async () => {
  await writeFile(join(dir, 'check.mjs'), CONSUMER)
  const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: dir, timeout: 30_000 })
  // Express logs one line per refusal (console.info) before the result line.
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''), { core: 'client-1', express: [200, 401], fastify: [200, 403], fetch: [200, 401], hono: [200, 403], nestjs: 'TokenguardModule', client: 'function', redis: ['function', 'function'] })
})

test('the installed tokenguard command explains a token (bin linked, keys from a JWKS file)', async () => {
  await writeFile(join(dir, 'cli-token.mjs'), CLI_TOKEN)
  const { stdout: token } = await run(process.execPath, ['cli-token.mjs'], { cwd: dir, timeout: 30_000 })
  const bin = join(dir, 'node_modules', '.bin', 'tokenguard')
  const { stdout } = await run(bin, ['explain', token.trim(), '--issuer', 'https://issuer.example', '--audience', 'https://api.example', '--jwks', 'jwks.json', '--json'], { cwd: dir, timeout: 30_000 })
  const report = JSON.parse(stdout) as { verdict: string; checks: Array<{ status: string }> }
  assert.equal(report.verdict, 'accepted')
  assert.ok(report.checks.length > 10 && report.checks.every((check) => check.status === 'pass'))
})

const CLI_TOKEN = `
import { writeFileSync } from 'node:fs'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'

const { privateKey, publicKey } = await generateKeyPair('ES256')
writeFileSync('jwks.json', JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }))
const now = Math.floor(Date.now() / 1000)
console.log(await new SignJWT({ sub: 'client-1' }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
  .setIssuer('https://issuer.example').setAudience('https://api.example').setIssuedAt(now).setExpirationTime(now + 60).sign(privateKey))
`

const CONSUMER = `
import { createVerifier } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import tokenguard from '@tokenguard/fastify'
import { protect } from '@tokenguard/fetch'
import { tokenguard as honoGuard, requireScopes as honoScopes } from '@tokenguard/hono'
import { TokenguardModule } from '@tokenguard/nestjs'
import { Hono } from 'hono'
import { createTokenClient } from '@tokenguard/client'
import { redisReplayStore, redisTokenStore } from '@tokenguard/redis'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import express from 'express'
import Fastify from 'fastify'

const { privateKey, publicKey } = await generateKeyPair('ES256')
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }
const options = { issuer: 'https://issuer.example', audience: 'https://api.example', jwks }
const now = Math.floor(Date.now() / 1000)
const token = await new SignJWT({ sub: 'client-1', scope: 'read:data' }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
  .setIssuer(options.issuer).setAudience(options.audience).setIssuedAt(now).setExpirationTime(now + 60).sign(privateKey)

const core = (await createVerifier(options).verify(token)).claims.sub

const app = express()
app.set('env', 'test')
app.get('/', authenticate(options), requireScopes('read:data'), (req, res) => res.json(req.auth.claims.sub))
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const base = 'http://127.0.0.1:' + server.address().port
const expressStatuses = [(await fetch(base, { headers: { authorization: 'Bearer ' + token } })).status, (await fetch(base)).status]
server.close()

const f = Fastify()
await f.register(tokenguard, options)
f.get('/', { config: { auth: { scopes: ['read:data'] } } }, async (request) => request.auth.claims.sub)
f.get('/w', { config: { auth: { scopes: ['write:data'] } } }, async () => 'no')
const fastifyStatuses = [(await f.inject({ url: '/', headers: { authorization: 'Bearer ' + token } })).statusCode, (await f.inject({ url: '/w', headers: { authorization: 'Bearer ' + token } })).statusCode]
await f.close()

const handler = protect({ ...options, logger: false }, { scopes: ['read:data'] }, (_request, auth) => Response.json(auth.claims.sub))
const fetchStatuses = [(await handler(new Request('https://api.example/', { headers: { authorization: 'Bearer ' + token } }))).status, (await handler(new Request('https://api.example/'))).status]

const hono = new Hono()
hono.use('/*', honoGuard({ ...options, logger: false }))
hono.get('/', honoScopes('read:data'), (c) => c.json(c.get('auth').claims.sub))
hono.get('/w', honoScopes('write:data'), (c) => c.text('no'))
const honoStatuses = [(await hono.request('/', { headers: { authorization: 'Bearer ' + token } })).status, (await hono.request('/w', { headers: { authorization: 'Bearer ' + token } })).status]

const nestjs = TokenguardModule.forRoot({ ...options, warmup: 'off' }).module.name

console.log(JSON.stringify({ core, express: expressStatuses, fastify: fastifyStatuses, fetch: fetchStatuses, hono: honoStatuses, nestjs, client: typeof createTokenClient, redis: [typeof redisReplayStore, typeof redisTokenStore] }))
`
