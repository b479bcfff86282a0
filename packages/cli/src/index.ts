/**
 * `@tokenguard/cli`: the `tokenguard` command (`tokenguard explain`), and the same as a function for tools
 * that want the report without a subprocess.
 */
export { runCli, USAGE } from './main.js'
export type { CliIo } from './main.js'
export { explain, ConfigurationProblem } from './explain-command.js'
export type { ExplainReport } from './explain-command.js'
export { parseExplainArgs, UsageError } from './args.js'
export type { ClaimValue, ExplainArgs, KeysArg } from './args.js'
export type { CheckLine, LineStatus } from './report.js'
export type { KeysReport } from './keys.js'
export { FIX_HINTS, hintFor } from './hints.js'
export { checkLines } from './report.js'
export type { LineInput } from './checks.js'
