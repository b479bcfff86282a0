/**
 * One server variant in its own process (the load generator runs in the parent). Started with
 * `fork('server.js', [variant])` and the issuer in `BENCH_ISSUER`, `BENCH_JWKS_URI`, `BENCH_AUDIENCE`; it
 * listens on 127.0.0.1 on a free port, reports `{ port, engine }` over IPC (`engine`: core's `SIGNATURE_ENGINE`
 * in this process, so the report says which signature path tokenguard took), then answers `'cpu'` messages with its
 * `process.cpuUsage()`, so the parent can tell server CPU time per request from the load generator's.
 */
import { SIGNATURE_ENGINE } from '@tokenguard/core'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expressApp } from './express-apps.js'
import { fastifyApp } from './fastify-apps.js'
import { variantNamed, type IssuerConfig } from './variants.js'

export interface ServerMessage {
  port?: number
  engine?: string
  cpu?: NodeJS.CpuUsage
  memory?: NodeJS.MemoryUsage
}

async function listen(variant: string, config: IssuerConfig): Promise<number> {
  if (variantNamed(variant).framework === 'fastify') {
    const app = await fastifyApp(variant, config)
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
  }
  const server = (await expressApp(variant, config)).listen(0, '127.0.0.1') as Server
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new TypeError(`bench: ${name} is not set`)
  return value
}

const variant = process.argv[2] ?? ''
const config: IssuerConfig = { issuer: required('BENCH_ISSUER'), jwksUri: required('BENCH_JWKS_URI'), audience: required('BENCH_AUDIENCE') }
const port = await listen(variant, config)
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage(), memory: process.memoryUsage() } satisfies ServerMessage)
})
process.on('disconnect', () => process.exit(0))
process.send?.({ port, engine: SIGNATURE_ENGINE } satisfies ServerMessage)
