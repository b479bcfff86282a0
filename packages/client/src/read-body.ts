/**
 * Reading a response body with a size cap, checked while streaming: a server (or anything between) that
 * sends an endless or huge body is cut off at the cap, not buffered first and measured after.
 */
import { TokenRequestError } from './errors.js'

function tooLarge(status: number, maxBytes: number, declared?: number): TokenRequestError {
  const size = declared === undefined ? '' : ` of ${declared} bytes`
  return new TokenRequestError({ code: 'invalid_response', status, description: `response${size} exceeds the ${maxBytes} byte limit (maxResponseSize)` })
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** The body as text (UTF-8), or a TokenRequestError once more than `maxBytes` bytes have arrived. */
export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge(response.status, maxBytes, declared)
  }
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(response.status, maxBytes)
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(concat(chunks, received))
}
