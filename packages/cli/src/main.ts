/**
 * The command line: `tokenguard explain …` and help. Exit codes: 0 accepted, 1 refused, 2 a usage,
 * configuration or network problem (keys unavailable included). With `--json`, every outcome — errors
 * too — is one JSON object on standard output.
 */
import { parseExplainArgs, UsageError } from './args.js'
import { ConfigurationProblem, explain } from './explain-command.js'
import { formatText } from './format-text.js'

/** Where the command reads and writes. */
export interface CliIo {
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean | undefined }
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export const USAGE = `Usage: tokenguard explain [token | -] --issuer <url> --audience <id> [options]

Explains why an API configured with these options accepts or refuses the token: one line per check the
verifier runs, with the values compared and the fix. The token is decoded without being trusted; neither
it nor its signature is printed. Pass "-" (or pipe it in) to keep the token out of the shell history.

  --issuer <url>          issuer identifier, exactly as in "iss" (required)
  --audience <id>         this API's identifier; repeat for several (required)
  --scopes <a,b>          scopes the route needs, all of them
  --any-scopes <a,b>      scopes of which the route needs one
  --jwks <file|url>       keys from a JWKS file (offline) or a JWKS URL, instead of discovery
  --jwks-uri <url>        the issuer's JWKS URL (skips discovery)
  --at <time>             evaluate exp/nbf/iat at this time: ISO 8601 or epoch seconds
  --algorithms <a,b>      accepted algorithms (default: the verifier's asymmetric set)
  --profile rfc9068       require typ at+jwt and the RFC 9068 claims
  --scope-claims <a,b>    claims that carry scopes (default: scope)
  --audience-claim <c>    claim checked against --audience (default: aud)
  --claim <name=value>    the verifier's "claims" option; repeatable
  --json                  one JSON object on standard output, for scripts
  --allow-insecure-http   accept an http:// issuer or JWKS URL (local testing)
  -h, --help              this text

Exit status: 0 accepted, 1 refused, 2 usage or network error (keys unavailable included).
`

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io[command === undefined ? 'stderr' : 'stdout'].write(USAGE)
    return command === undefined ? 2 : 0
  }
  const json = rest.includes('--json')
  try {
    if (command !== 'explain') throw new UsageError(`unknown command ${JSON.stringify(command)}: the command is "explain"`)
    const args = parseExplainArgs(rest, io.stdin.isTTY === true)
    if (args === 'help') {
      io.stdout.write(USAGE)
      return 0
    }
    const report = await explain(args, io.stdin)
    io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report))
    return report.exitCode
  } catch (error) {
    const kind = error instanceof UsageError ? 'usage' : error instanceof ConfigurationProblem ? 'configuration' : 'internal'
    const message = error instanceof Error ? error.message : String(error)
    if (json) io.stdout.write(`${JSON.stringify({ verdict: 'error', exitCode: 2, error: { kind, message } }, null, 2)}\n`)
    else io.stderr.write(`tokenguard explain: ${kind === 'internal' ? 'unexpected error: ' : ''}${message}\n`)
    return 2
  }
}
