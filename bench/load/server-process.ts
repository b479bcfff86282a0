/** Starting, querying and stopping one variant's server process (`server.js`) from the bench process. */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { RESULTS_DIR } from '../support/results.js'
import { loadSettings } from '../support/settings.js'
import type { ServerMessage } from './server.js'
import type { IssuerConfig } from './variants.js'

export interface ServerProcess {
  readonly url: string
  /** The server's `SIGNATURE_ENGINE` (@tokenguard/core): `node:crypto` or `jose`. */
  readonly engine: string
  /** The server's CPU time (user + system, µs) and memory so far. */
  usage(): Promise<{ cpuMicros: number; rssBytes: number }>
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 15_000

export async function startServerProcess(variant: string, config: IssuerConfig): Promise<ServerProcess> {
  const child = fork(new URL('./server.js', import.meta.url), [variant], {
    execArgv: [...serverFlags(), ...profileArgs(variant)],
    env: { ...process.env, NODE_ENV: 'production', BENCH_ISSUER: config.issuer, BENCH_JWKS_URI: config.jwksUri, BENCH_AUDIENCE: config.audience },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { port, engine } = await firstMessage(child, START_TIMEOUT_MS)
  if (port === undefined) throw new Error(`bench: ${variant} did not report a port`)
  return {
    url: `http://127.0.0.1:${port}`,
    engine: engine ?? 'unknown',
    async usage() {
      const answer = firstMessage(child, START_TIMEOUT_MS)
      child.send('cpu')
      const { cpu, memory } = await answer
      return { cpuMicros: (cpu?.user ?? 0) + (cpu?.system ?? 0), rssBytes: memory?.rss ?? 0 }
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The V8 flags of every server process (see `loadSettings.memoryReducer`). */
export function serverFlags(): string[] {
  return loadSettings.memoryReducer ? [] : ['--no-memory-reducer']
}

/**
 * With `BENCH_CPU_PROF=1`, each server writes a V8 CPU profile to `.bench-results/profiles/` when it stops
 * (`BENCH_CPU_PROF_INTERVAL` sets the sampling interval in µs); read it with `profile-summary.js`.
 */
function profileArgs(variant: string): string[] {
  if (process.env.BENCH_CPU_PROF !== '1') return []
  const interval = process.env.BENCH_CPU_PROF_INTERVAL // µs between samples (V8's default is 1000)
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${join(RESULTS_DIR, 'profiles')}`,
    `--cpu-prof-name=${variant}-${Date.now()}.cpuprofile`,
    ...(interval === undefined ? [] : [`--cpu-prof-interval=${interval}`]),
  ]
}

function firstMessage(child: ChildProcess, timeoutMs: number): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('bench: server process did not answer in time')), timeoutMs)
    const onMessage = (message: ServerMessage) => done(undefined, message)
    const onExit = (code: number | null) => done(new Error(`bench: server process exited with ${code}`))
    function done(error?: Error, message?: ServerMessage): void {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      if (error !== undefined) reject(error)
      else resolve(message!)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}
