/**
 * Making server text safe to show. A token endpoint or a gateway in front of it may echo the request in
 * its error: the body (form- or JSON-encoded), the `Authorization: Basic` header, or a base64 dump of
 * either. Each known secret is therefore redacted in every encoding it can take there, before the text is
 * cut to length (a secret split by the cut would otherwise escape whole-string matching).
 */
import { formEncode } from './client-auth.js'

const REDACTED = '[REDACTED]'
const MIN_SECRET_LENGTH = 4
const MAX_TEXT_LENGTH = 300

function jsonEscapes(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1)
  const ascii = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  // Some serialisers escape "/" as "\/".
  return [plain, ascii, plain.replaceAll('/', '\\/'), ascii.replaceAll('/', '\\/')]
}

function percentEscapes(value: string): string[] {
  const upper = encodeURIComponent(value)
  return [upper, upper.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())]
}

/**
 * The base64 (and base64url) characters that depend on `value` alone, at each of the three byte alignments
 * it can have inside a longer base64 text. One of them occurs wherever `value` was part of what got encoded.
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const fragments: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const fragment = encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6))
    fragments.push(fragment, fragment.replaceAll('+', '-').replaceAll('/', '_'))
  }
  return fragments
}

/**
 * Every form of `secret` to look for, longest first so that a longer match is not cut up by a shorter one:
 * as it is written into a request (raw, form-encoded, JSON-escaped), and each of those as a log or gateway
 * may wrap it again (percent-encoded, base64 at any alignment).
 */
export function secretForms(secret: string): string[] {
  const written = [secret, formEncode(secret), ...jsonEscapes(secret)]
  const forms = written.flatMap((form) => [form, ...percentEscapes(form), ...base64Fragments(form)])
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
}

/** `text` with every form of every secret replaced by `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    for (const form of secretForms(secret)) out = out.split(form).join(REDACTED)
  }
  return out
}

/** Server-provided text made safe to show: secrets redacted, control characters removed, length capped. */
export function sanitize(text: string, secrets: readonly string[] = []): string {
  // eslint-disable-next-line no-control-regex
  let out = redact(text, secrets).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  if (out.length > MAX_TEXT_LENGTH) out = `${out.slice(0, MAX_TEXT_LENGTH)}…`
  return out
}
