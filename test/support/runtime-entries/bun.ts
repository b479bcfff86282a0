/** Bun's entry: serves the contract app on a free port of 127.0.0.1 and prints where. Run with `bun`. */
import { runtimeApp, type RuntimeAppConfig } from '../web-apps.js'

declare const Bun: { serve(options: { port: number; hostname: string; fetch: (request: Request) => Promise<Response> }): { port: number } }

const config = JSON.parse(process.env.TOKENGUARD_APP ?? '') as RuntimeAppConfig
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: runtimeApp(config) })
console.log(`listening http://127.0.0.1:${server.port}`)
