/**
 * The contract app (`web-apps.ts`) in other JavaScript runtimes, each from the binary its npm package ships:
 * Bun (`bun`), Deno (`deno`), and Cloudflare's workerd (through `miniflare`, the Worker bundled with
 * esbuild for a neutral platform). Each serves on 127.0.0.1 and reaches the test's key server there.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ENGINE_PATH, REFUSALS_PATH, type RuntimeAppConfig } from './web-apps.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ENTRIES = fileURLToPath(new URL('./runtime-entries/', import.meta.url))
const STARTUP_LIMIT_MS = 30_000

/** A contract app running in another runtime. */
export interface RuntimeApp {
  readonly url: string
  /** The refusals the app reported through `onError`, in order. */
  refusals(): Promise<Array<{ reason: string; status: number }>>
  /** The signature engine core chose in that runtime. */
  engine(): Promise<string>
  close(): Promise<void>
}

export interface Runtime {
  readonly name: 'bun' | 'deno' | 'workerd'
  /** Why the runtime cannot run on this machine (naming the install step), or `undefined` when it can. */
  unavailable(): Promise<string | undefined>
  start(config: RuntimeAppConfig): Promise<RuntimeApp>
}

const binary = (name: string) => `${ROOT}node_modules/.bin/${name}`

async function missingBinary(name: string, npmPackage: string): Promise<string | undefined> {
  const path = binary(name)
  if (!existsSync(path)) return `${name} is not installed: run \`npm install\` (the "${npmPackage}" dev dependency ships the binary)`
  try {
    await run(path, ['--version'], { timeout: 20_000 })
    return undefined
  } catch (error) {
    return `${path} does not run on this machine (${(error as Error).message.split('\n')[0]}): reinstall with \`npm install\``
  }
}

export const BUN: Runtime = {
  name: 'bun',
  unavailable: () => missingBinary('bun', 'bun'),
  start: (config) => spawnServer(binary('bun'), [`${ENTRIES}bun.js`], config),
}

export const DENO: Runtime = {
  name: 'deno',
  unavailable: () => missingBinary('deno', 'deno'),
  // Only loopback, only the one variable: the app needs no more, and Deno enforces it.
  start: (config) => spawnServer(binary('deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env=TOKENGUARD_APP', `${ENTRIES}deno.js`], config),
}

export const WORKERD: Runtime = {
  name: 'workerd',
  async unavailable() {
    const missing = await missingBinary('workerd', 'miniflare')
    if (missing !== undefined) return missing
    try {
      await import('miniflare')
      await import('esbuild')
      return undefined
    } catch (error) {
      return `miniflare or esbuild cannot be loaded (${(error as Error).message}): run \`npm install\``
    }
  },
  start: startWorker,
}

/** Every runtime the Fetch API adapters are checked on besides Node. */
export const RUNTIMES: readonly Runtime[] = [BUN, DENO, WORKERD]

async function spawnServer(command: string, args: string[], config: RuntimeAppConfig): Promise<RuntimeApp> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, TOKENGUARD_APP: JSON.stringify(config), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await listeningUrl(child)
  return {
    url,
    refusals: () => refusalsOf(url),
    engine: () => engineOf(url),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** The URL the child prints once it listens; its stderr explains a failure to start. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${child.spawnfile} did not start: ${why}\n${stderr}`))
    }
    const timer = setTimeout(() => fail(`no "listening" line within ${STARTUP_LIMIT_MS} ms`), STARTUP_LIMIT_MS)
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /^listening (\S+)$/m.exec(stdout)
      if (match === null) return
      clearTimeout(timer)
      resolve(match[1]!)
    })
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`))
  })
}

async function refusalsOf(url: string): Promise<Array<{ reason: string; status: number }>> {
  const response = await fetch(`${url}${REFUSALS_PATH}`)
  return (await response.json()) as Array<{ reason: string; status: number }>
}

async function engineOf(url: string): Promise<string> {
  const response = await fetch(`${url}${ENGINE_PATH}`)
  return ((await response.json()) as { engine: string }).engine
}

let workerBundle: Promise<string> | undefined

/** The Worker, bundled once per test run for a neutral platform (no Node built-ins, as on Cloudflare). */
function bundleWorker(): Promise<string> {
  workerBundle ??= import('esbuild').then(async ({ build }) => {
    const result = await build({
      entryPoints: [`${ENTRIES}workerd.js`],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      write: false,
      logLevel: 'silent',
    })
    return result.outputFiles[0]!.text
  })
  return workerBundle
}

async function startWorker(config: RuntimeAppConfig): Promise<RuntimeApp> {
  const { Miniflare } = await import('miniflare')
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(),
    bindings: { TOKENGUARD_APP: JSON.stringify(config) },
    compatibilityDate: '2025-09-01',
    host: '127.0.0.1',
    port: 0,
  })
  const url = (await mf.ready).origin
  return { url, refusals: () => refusalsOf(url), engine: () => engineOf(url), close: () => mf.dispose() }
}
