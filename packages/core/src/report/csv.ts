/** The columns of a run's per-record report (`GET /runs/<id>/records.csv`, `leadsync export-run --csv`). */
export const RECORDS_CSV_HEADER = 'source_id,email,outcome,reason,suggestion';

/** What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF; quotes doubled. A value a spreadsheet would
 * run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR: source ids and refused addresses are the source's
 * own text) gets a leading `'`, as OWASP recommends, so that opening the report runs nothing.
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One run record as a line of the report, without the line break. */
export function csvLine(record: {
  sourceId: string;
  email: string | null;
  outcome: string;
  reason: string | null;
  suggestion: string | null;
}): string {
  return [record.sourceId, record.email, record.outcome, record.reason, record.suggestion]
    .map(csvField)
    .join(',');
}
