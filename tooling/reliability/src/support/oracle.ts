import { checkEmail } from '@leadsync/core';
import type { Database } from '@leadsync/db';
import type { SyncRun } from '@leadsync/db/schema';
import { expect } from 'vitest';
import { consistencyViolations, recordsOf } from './harness.ts';

/**
 * What rules 1–4 of DESIGN.md section 2 make of emails read in this order, for a fresh organization: `empty_email`,
 * `invalid_pattern`, `group_email`, `file_duplicate` (the same normalized address earlier in the run) or `new`.
 */
export function expectedOutcomes(emails: readonly string[]): string[] {
  const seen = new Set<string>();
  return emails.map((email) => {
    const check = checkEmail(email);
    if (check.status === 'empty') return 'empty_email';
    if (check.status === 'invalid') return 'invalid_pattern';
    if (check.status === 'role') return 'group_email';
    if (seen.has(check.normalized!)) return 'file_duplicate';
    seen.add(check.normalized!);
    return 'new';
  });
}

/**
 * A fuzzed run read every source record once (ids and counts) and classified each as rules 1–4 say, in the run's
 * own order; its counters and stored records agree. `emailOf`: source id → the email the source holds.
 */
export async function expectReadOnceAndClassified(
  db: Database,
  run: SyncRun,
  listId: string,
  emailOf: ReadonlyMap<string, string>,
): Promise<void> {
  expect(run.status, run.error ?? '').toBe('succeeded');
  expect(await consistencyViolations(db, run, listId)).toEqual([]);
  expect(run.total).toBe(emailOf.size);
  expect(run.readCount).toBe(emailOf.size);
  const records = await recordsOf(db, run.id);
  expect(new Set(records.map((r) => r.sourceId))).toEqual(new Set(emailOf.keys()));
  const want = expectedOutcomes(records.map((r) => emailOf.get(r.sourceId) ?? ''));
  records.forEach((record, i) => {
    const where = `${record.sourceId} ${JSON.stringify(emailOf.get(record.sourceId))}`;
    expect(record.reason ?? record.outcome, where).toBe(want[i]);
  });
}
