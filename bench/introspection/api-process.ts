/** Starting and stopping one benchmark API process (`server.js`) with the given verifier options. */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import type { VerifierOptions } from '@tokenguard/core'

export interface ApiProcess {
  readonly url: string
  /** The process's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

export async function startApi(options: VerifierOptions): Promise<ApiProcess> {
  const child = fork(new URL('./server.js', import.meta.url), [], {
    env: { ...process.env, NODE_ENV: 'production', BENCH_VERIFIER: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [message] = (await once(child, 'message')) as [{ port: number }]
  return {
    url: `http://127.0.0.1:${message.port}/data`,
    async cpuMicros() {
      const answer = once(child, 'message') as Promise<[{ cpu: NodeJS.CpuUsage }]>
      child.send('cpu')
      const [{ cpu }] = await answer
      return cpu.user + cpu.system
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.disconnect()
      await exited
    },
  }
}
