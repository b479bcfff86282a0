/**
 * From `verify()`'s outcome and the steps it reported to one line per check. The verdict is always
 * `verify()`'s. Steps that passed pass; the refusal's step holds the failing line (among jose's lines, the
 * one the reason names whose derived values fail); later lines were not reached. Wherever a line derived
 * from the token's values says otherwise than `verify()`, the line says so and the report lists it.
 */
import type { RefusalReason } from '@tokenguard/core'
import type { Explanation } from '@tokenguard/core/explain'
import { LINES, STEP_ORDER, type LineInput, type LineSpec } from './checks.js'
import type { Derived } from './derive.js'
import { hintFor } from './hints.js'

/** How one check ended. `skip`: `verify()` stopped before it. */
export type LineStatus = 'pass' | 'fail' | 'skip'

/** One check, as printed. */
export interface CheckLine {
  id: string
  label: string
  status: LineStatus
  /** Whose code decided: the verifier's own step, or jose's `jwtVerify` (a line derived from the token's values). */
  by: 'verifier' | 'jose'
  /** The values compared. */
  compared: string
  /** On the failing line: `verify()`'s reason and detail, and the fix. */
  reason?: RefusalReason | undefined
  detail?: string | undefined
  hint?: string | undefined
  /** A derived line that disagrees with `verify()`, or what a line not reached would say. */
  note?: string | undefined
  disagrees?: boolean | undefined
}

/** The lines for `explanation`. */
export function checkLines(explanation: Explanation, input: LineInput): CheckLine[] {
  const applicable = LINES.filter((spec) => spec.applies === undefined || spec.applies(explanation.settings))
  const passed = new Set(explanation.passed)
  const { outcome } = explanation
  if (outcome.accepted) return applicable.map((spec) => passedLine(spec, input, derive(spec, input), passed.has(spec.step)))
  const stop = STEP_ORDER.find((step) => !passed.has(step))
  const reason = outcome.error.reason
  const failing = failingLine(applicable.filter((spec) => spec.step === stop), reason, input)
  const lines: CheckLine[] = []
  let reached = true
  for (const spec of applicable) {
    const result = derive(spec, input)
    if (passed.has(spec.step)) lines.push(passedLine(spec, input, result, true))
    else if (spec === failing) {
      reached = false
      lines.push({
        ...base(spec, input, 'fail'),
        reason,
        detail: outcome.error.detail,
        hint: hintFor(reason),
        ...(result?.ok === true ? disagreement(`derived from the token's values this check holds, yet verify() refused with ${reason}`) : {}),
      })
    } else if (reached && spec.step === stop && failing !== undefined) lines.push(passedLine(spec, input, result, true)) // jose checks in order: it got past this one
    else {
      if (reached && failing === undefined) lines.push(unexplained(reason, outcome.error.detail))
      reached = false
      // Before an issuer was chosen its settings are unknown: what a later line would compare is not known either.
      const skipped = { ...base(spec, input, 'skip'), ...(input.settings === undefined ? { compared: '' } : {}) }
      lines.push({ ...skipped, note: result?.ok === false ? `not reached; would fail: ${result.compared}` : 'not reached' })
    }
  }
  if (reached) lines.push(unexplained(reason, outcome.error.detail))
  return lines
}

/** The line that holds the refusal: the first of its step that can end in `reason`, preferring one whose derived values fail. */
function failingLine(group: readonly LineSpec[], reason: RefusalReason, input: LineInput): LineSpec | undefined {
  const candidates = group.filter((spec) => spec.reasons.includes(reason))
  return candidates.find((spec) => derive(spec, input)?.ok === false) ?? candidates[0]
}

function derive(spec: LineSpec, input: LineInput): Derived | undefined {
  if (spec.derive === undefined || input.settings === undefined) return undefined
  return spec.derive({ decoded: input.decoded, settings: input.settings, now: input.now })
}

function base(spec: LineSpec, input: LineInput, status: LineStatus): CheckLine {
  return { id: spec.id, label: spec.label, status, by: spec.by, compared: spec.compared(input) }
}

function passedLine(spec: LineSpec, input: LineInput, result: Derived | undefined, stepPassed: boolean): CheckLine {
  const line = base(spec, input, 'pass')
  if (!stepPassed) return { ...line, ...disagreement(`verify() accepted the token but did not report the step "${spec.step}"`) }
  if (result?.ok === false) return { ...line, ...disagreement("derived from the token's values this check fails, yet verify() got past it") }
  return line
}

function disagreement(note: string): Pick<CheckLine, 'note' | 'disagrees'> {
  return { note, disagrees: true }
}

/** A refusal no line can hold: said as it is rather than pinned on a wrong line. */
function unexplained(reason: RefusalReason, detail: string | undefined): CheckLine {
  return { id: 'other', label: 'other', status: 'fail', by: 'verifier', compared: '', reason, detail, hint: hintFor(reason), note: `verify() refused with ${reason}, which no check line above explains`, disagrees: true }
}
