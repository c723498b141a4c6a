// The baseline: the same classification done per record the usual way, with popular npm libraries:
// validator's isEmail, mailcheck's domain suggester and an array of role prefixes.
import { createRequire } from 'node:module';
import validator from 'validator';
import { DEFAULT_ROLE_LOCAL_PARTS } from '../src/index.ts';
import type { BenchRecord } from './data.ts';

interface Mailcheck {
  run(opts: { email: string; suggested: (s: { full: string }) => unknown; empty: () => unknown }): unknown;
}
const Mailcheck = createRequire(import.meta.url)('mailcheck') as Mailcheck;

const ROLES: string[] = [...DEFAULT_ROLE_LOCAL_PARTS];

export interface BaselineRecord {
  sourceId: string;
  email: string | undefined;
  outcome: string;
  reason: string | undefined;
  suggestion: string | undefined;
}

export function classifyBaseline(
  records: BenchRecord[],
  seen: Set<string>,
  lookupOne: (email: string) => string | undefined,
): BaselineRecord[] {
  const out: BaselineRecord[] = [];
  for (const { sourceId, email: value } of records) {
    const ignored = (email: string | undefined, reason: string, suggestion?: string) =>
      out.push({ sourceId, email, outcome: 'ignored', reason, suggestion });
    if (value === null || value === undefined) {
      ignored(undefined, 'empty_email');
      continue;
    }
    const trimmed = String(value).trim();
    if (trimmed === '') {
      ignored(undefined, 'empty_email');
      continue;
    }
    if (!validator.isEmail(trimmed, { allow_ip_domain: false, allow_utf8_local_part: false })) {
      ignored(trimmed, 'invalid_pattern');
      continue;
    }
    const email = trimmed.toLowerCase();
    const suggestion = Mailcheck.run({ email, suggested: (s) => s.full, empty: () => undefined }) as
      | string
      | undefined;
    if (suggestion) {
      ignored(email, 'invalid_pattern', suggestion);
      continue;
    }
    const local = email.slice(0, email.lastIndexOf('@')).split('+')[0]!;
    if (ROLES.includes(local)) {
      ignored(email, 'group_email');
      continue;
    }
    if (seen.has(email)) {
      ignored(email, 'file_duplicate');
      continue;
    }
    seen.add(email);
    const status = lookupOne(email);
    if (status === 'bounced' || status === 'do_not_mail') ignored(email, status);
    else
      out.push({
        sourceId,
        email,
        outcome: status === 'active' ? 'duplicate' : status === 'deleted' ? 're_added' : 'new',
        reason: undefined,
        suggestion: undefined,
      });
  }
  return out;
}
