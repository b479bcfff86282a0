/**
 * The token to explain, from the command line or standard input. Input is bounded (a token far larger than
 * any verifier accepts is a mistake, not a token), trimmed, and may keep a pasted `Bearer ` prefix.
 */
import { UsageError } from './args.js'

/** Most bytes read from standard input: 64 KiB, eight times the verifier's default `maxTokenLength`. */
const MAX_INPUT = 64 * 1024

/** The token, and whether a `Bearer ` prefix was taken off it. */
export interface TokenInput {
  token: string
  strippedBearer: boolean
}

/** Reads the token: `'-'` reads standard input to its end. */
export async function readToken(argument: string, stdin: AsyncIterable<Uint8Array | string>): Promise<TokenInput> {
  const text = argument === '-' ? await readAll(stdin) : argument
  const trimmed = text.trim()
  const bearer = /^bearer\s+/i.exec(trimmed)
  const token = bearer === null ? trimmed : trimmed.slice(bearer[0].length).trim()
  if (token === '') throw new UsageError(argument === '-' ? 'standard input held no token' : 'the token argument is empty')
  return { token, strippedBearer: bearer !== null }
}

async function readAll(stdin: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)
    size += bytes.byteLength
    if (size > MAX_INPUT) throw new UsageError(`standard input is larger than ${MAX_INPUT} bytes: that is not one access token`)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks).toString('utf8')
}
