/**
 * The README's code is true: every TypeScript block in README.md and in each package's README is extracted
 * into its own module and type-checked under `strict` against the built packages, as a user would compile it.
 * A block preceded by `<!-- snippet: path -->` is a copy of that file of the repository: it must equal it, and
 * it is written under the file's own name, so that the blocks after it can import it.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const readmes = ['README.md', ...readdirSync(join(root, 'packages')).map((name) => join('packages', name, 'README.md'))].filter((path) => {
  try {
    readFileSync(join(root, path))
    return true
  } catch {
    return false
  }
})

interface Block {
  /** The line of the block's first line of code (1-based). */
  line: number
  code: string
  /** The repository file this block is a copy of, from a `<!-- snippet: path -->` line just before it. */
  copyOf: string | undefined
}

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue
    const copyOf = /^<!-- snippet: (\S+) -->$/.exec(lines[i - 1] ?? '')?.[1]
    const start = i + 1
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[++i]!)) {}
    blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n'), copyOf })
  }
  return blocks
}

test('every TypeScript block of the READMEs compiles under strict', () => {
  const dir = join(root, 'build', 'snippets')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  const files = new Map<string, string>()
  for (const readme of readmes) {
    for (const block of tsBlocks(readFileSync(join(root, readme), 'utf8'))) {
      if (block.copyOf !== undefined) {
        assert.equal(`${block.code}\n`, readFileSync(join(root, block.copyOf), 'utf8'), `${readme}:${block.line} is no longer a copy of ${block.copyOf}`)
      }
      const name = block.copyOf === undefined ? `${readme.replaceAll('/', '_').replace('.md', '')}_L${block.line}.ts` : basename(block.copyOf)
      const file = join(dir, name)
      assert.ok(!files.has(file), `${readme}:${block.line}: two blocks would be written to ${name}`)
      writeFileSync(file, `${block.code}\nexport {}\n`)
      files.set(file, `${readme}:${block.line}`)
    }
  }
  assert.ok(files.size > 0, 'no TypeScript blocks found')
  const program = ts.createProgram([...files.keys()], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    // NestJS applications compile with legacy decorators (parameter decorators such as @Auth() need them);
    // no other block uses decorators, so this changes nothing for them.
    experimentalDecorators: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  })
  const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file === undefined ? '' : `${files.get(diagnostic.file.fileName) ?? relative(root, diagnostic.file.fileName)} (block line ${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1})`
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
  })
  assert.deepEqual(problems, [])
})
