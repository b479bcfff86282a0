/**
 * Results on disk: every run writes `.bench-results/<kind>-<timestamp>.json` and `.bench-results/<kind>.json`
 * (the latest), so the suite runner and later comparisons can read them back. The folder is gitignored.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** `.bench-results/` under the current directory (npm scripts run at the repository root). */
export const RESULTS_DIR = join(process.cwd(), '.bench-results')

export type ResultKind = 'load' | 'micro' | 'memory' | 'memory-baseline' | 'memory-budget' | 'introspection' | 'observability' | 'express-overhead' | 'cache-miss' | 'allocations'

/** Writes the latest and a timestamped copy; returns the timestamped path. */
export async function saveResult(kind: ResultKind, result: object): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const text = `${JSON.stringify(result, null, 2)}\n`
  const stamped = join(RESULTS_DIR, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  await writeFile(stamped, text)
  await writeFile(join(RESULTS_DIR, `${kind}.json`), text)
  return stamped
}

/** Reads the latest result of `kind`, or `undefined` when there is none. */
export async function loadResult<T>(kind: ResultKind): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS_DIR, `${kind}.json`), 'utf8')) as T
  } catch {
    return undefined
  }
}

/** Writes a text file (e.g. the markdown report) next to the JSON results. */
export async function saveText(name: string, text: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, name)
  await writeFile(path, text)
  return path
}
