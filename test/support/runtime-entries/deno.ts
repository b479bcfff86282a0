/** Deno's entry: serves the contract app on a free port of 127.0.0.1 and prints where. Run with `deno run`. */
import { runtimeApp, type RuntimeAppConfig } from '../web-apps.js'

declare const Deno: {
  env: { get(name: string): string | undefined }
  serve(options: { port: number; hostname: string; onListen(address: { port: number }): void }, handler: (request: Request) => Promise<Response>): unknown
}

const config = JSON.parse(Deno.env.get('TOKENGUARD_APP') ?? '') as RuntimeAppConfig
Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening http://127.0.0.1:${port}`) }, runtimeApp(config))
