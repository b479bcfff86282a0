/** Plain-text (aligned) and markdown tables from the same rows. */

export type Row = readonly string[]

/** Columns padded to their widest cell; numeric-looking cells are right-aligned. */
export function textTable(header: Row, rows: readonly Row[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (row: Row) => row.map((cell, column) => (isNumeric(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

/** A GitHub-flavoured markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(header: Row, rows: readonly Row[]): string {
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => isNumeric(row[column] ?? '')))
  const escape = (cell: string) => cell.replace(/\|/g, '\\|')
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${numeric.map((right) => (right ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n')
}

function isNumeric(cell: string): boolean {
  return /^[-+]?[\d,.]+\s*(%|µs|ms|MB|×|x)?$/.test(cell) || cell === '—'
}

/** Formats with a fixed number of decimals and thousands separators. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
}

/** A ratio such as "0.93". */
export function ratio(value: number | undefined): string {
  return fmt(value, 2)
}
