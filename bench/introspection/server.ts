/**
 * One API for the introspection benchmark, in its own process: Express 5 with `authenticate()` and
 * `requireScopes('read:data')` over a verifier whose options arrive as JSON in `BENCH_VERIFIER` (a JWT
 * issuer, or an opaque-token issuer with introspection). Reports `{ port }` over IPC, answers `'cpu'` with
 * its `process.cpuUsage()`, and stays up until the parent disconnects.
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVerifier, type VerifierOptions } from '@tokenguard/core'
import { authenticate, requireScopes } from '@tokenguard/express'
import express from 'express'

const options = JSON.parse(process.env.BENCH_VERIFIER ?? '{}') as VerifierOptions
const verifier = createVerifier(options)
const app = express()
app.set('env', 'production')
app.get('/data', authenticate({ verifier }), requireScopes('read:data'), (_req, res) => void res.json({ ok: true }))
const server = app.listen(0, '127.0.0.1') as Server
await once(server, 'listening')
process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
})
process.send?.({ port: (server.address() as AddressInfo).port })
