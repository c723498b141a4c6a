import type { RunRecord } from '@leadsync/db/schema';

export const RECORDS_CSV_HEADER = 'source_id,email,outcome,reason,suggestion';

/** One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record as a CSV line, without the line break. */
export function csvLine(
  record: Pick<RunRecord, 'sourceId' | 'email' | 'outcome' | 'reason' | 'suggestion'>,
): string {
  return [record.sourceId, record.email, record.outcome, record.reason, record.suggestion]
    .map(csvField)
    .join(',');
}
