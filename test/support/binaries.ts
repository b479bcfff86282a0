/**
 * Suites that need a program besides Node (redis-server, …): run when it is on PATH, are reported as ONE
 * skipped test naming the install step when it is not, and fail instead under CI (`CI=true`), where a
 * missing program is a broken setup, not a reason to test less.
 */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, test } from 'node:test'

/** A program a suite needs, and how a developer gets it. */
export interface Binary {
  /** Executable name looked up on PATH, e.g. `redis-server`. */
  name: string
  /** The install step, e.g. `Debian/Ubuntu: apt-get install redis-server`. */
  install: string
  /** What the suites that need it are, for the skip line, e.g. `the Redis suites`. */
  neededBy: string
}

/** Absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here: keep looking
    }
  }
  return undefined
}

/** The one line shown when `binary` is missing. */
export function missingMessage(binary: Binary): string {
  return `${binary.name} not found: install it (${binary.install}) to run ${binary.neededBy}`
}

export const underCI = (): boolean => process.env.CI === 'true'

/**
 * `describe(title, define)` when `binary` is on PATH. Otherwise one test named `title`: skipped with
 * {@link missingMessage}, or failing with it under CI.
 */
export function describeNeeding(binary: Binary, title: string, define: (path: string) => void): void {
  const path = findOnPath(binary.name)
  if (path !== undefined) return void describe(title, () => define(path))
  const message = missingMessage(binary)
  if (underCI()) {
    test(title, () => {
      throw new Error(`${message} (CI=true: a missing program fails the run instead of skipping)`)
    })
  } else {
    test(title, { skip: message }, () => undefined)
  }
}
