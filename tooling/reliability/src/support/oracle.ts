import { checkEmail } from '@leadsync/core';

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
