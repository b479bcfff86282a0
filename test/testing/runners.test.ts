/**
 * The @tokenguard/testing examples pass under the real test runners they are written for — node:test,
 * Vitest and Jest — each run as a subprocess exactly as a user would run it, with its own exit code and
 * its own count of passed tests checked.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
/** Tests in each example suite. */
const EXAMPLE_TESTS = 4

/** The parent's environment, minus what would make a nested node:test report to this runner instead of printing. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: 'true' }
  delete env.NODE_TEST_CONTEXT
  delete env.FORCE_COLOR
  return env
}

async function runExample(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: root, env: childEnv(), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 })
    return `${stdout}\n${stderr}`
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    assert.fail(`${args.join(' ')} exited ${failed.code}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`)
  }
}

test('node:test runs the node-test example (compiled by tsc -b) and it passes', async () => {
  const output = await runExample(['--test', 'build/examples/testing/node-test/orders-api.test.js'])
  assert.match(output, new RegExp(`^# pass ${EXAMPLE_TESTS}$`, 'm'))
  assert.match(output, /^# fail 0$/m)
})

test('Vitest runs the vitest example (TypeScript as written) and it passes', async () => {
  const output = await runExample(['node_modules/vitest/vitest.mjs', 'run', '--root', 'examples/testing/vitest', '--no-cache'])
  assert.match(output, new RegExp(`Tests +${EXAMPLE_TESTS} passed \\(${EXAMPLE_TESTS}\\)`))
  assert.match(output, /Test Files +1 passed \(1\)/)
})

test('Jest runs the jest example (plain ESM, no transform) and it passes', async () => {
  const output = await runExample(['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--rootDir', 'examples/testing/jest', '--ci'])
  assert.match(output, new RegExp(`Tests: +${EXAMPLE_TESTS} passed, ${EXAMPLE_TESTS} total`))
  assert.match(output, /Test Suites: +1 passed, 1 total/)
})
