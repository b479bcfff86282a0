/**
 * The CLI's fix hints are the root README's troubleshooting table, word for word: one table in code, read
 * here against the README so that neither drifts.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { FIX_HINTS } from '@tokenguard/cli'

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

function troubleshootingRows(): Array<{ reasons: string[]; hint: string }> {
  const section = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 1))
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.slice(1, -1).split(' | ').map((cell) => cell.trim())
      return { reasons: [...cells[0]!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!), hint: cells[2]!.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1') }
    })
}

test('every reason of the README troubleshooting table has its hint in the CLI, word for word (links as their text)', () => {
  const rows = troubleshootingRows()
  assert.ok(rows.length >= 20, `found ${rows.length} rows`)
  const fromReadme = Object.fromEntries(rows.flatMap((row) => row.reasons.map((reason) => [reason, row.hint])))
  assert.deepEqual(fromReadme, { ...FIX_HINTS })
})
