import type { IgnoredBreakdown, IgnoredReason, Outcome, RunTotals } from '../api/types.ts';

export const outcomeLabels: Record<Outcome, string> = {
  NEW: 'New',
  RE_ADDED: 'Re-added',
  DUPLICATE: 'Duplicate',
  IGNORED: 'Ignored',
  DELETED: 'Deleted',
};

export const outcomeDescriptions: Record<Outcome, string> = {
  NEW: 'Not a lead before: created and added to the mailing list.',
  RE_ADDED: 'A lead that had been deleted: restored and added to the mailing list again.',
  DUPLICATE: 'Already an active lead: its mapped fields were updated and it is on the list.',
  IGNORED: 'Not imported; the reason says why.',
  DELETED: 'Imported by this sync before but no longer in the source: taken off the list.',
};

export const reasonLabels: Record<IgnoredReason, string> = {
  BOUNCED: 'Bounced',
  DO_NOT_MAIL: 'Do not mail',
  GROUP_EMAIL: 'Group email',
  FILE_DUPLICATE: 'Duplicate in source',
  EMPTY_EMAIL: 'Empty email',
  INVALID_PATTERN: 'Invalid email',
};

export const reasonDescriptions: Record<IgnoredReason, string> = {
  BOUNCED: 'Mail to this address bounced before, so it is not added again.',
  DO_NOT_MAIL: 'This person asked not to be mailed (unsubscribed or blocked).',
  GROUP_EMAIL:
    'A role or group address (info@, support@, careers@, administrator@ …) that does not belong to one person.',
  FILE_DUPLICATE: 'The same email appeared earlier in this run; only the first record was imported.',
  EMPTY_EMAIL: 'The record has no email in the field mapped to Email.',
  INVALID_PATTERN:
    'Not a valid address, or its domain looks like a typo of a well-known one (see the suggestion).',
};

export const breakdownKeys: Record<IgnoredReason, keyof IgnoredBreakdown> = {
  BOUNCED: 'bounced',
  DO_NOT_MAIL: 'doNotMail',
  GROUP_EMAIL: 'groupEmail',
  FILE_DUPLICATE: 'fileDuplicate',
  EMPTY_EMAIL: 'emptyEmail',
  INVALID_PATTERN: 'invalidPattern',
};

export const ignoredReasons = Object.keys(reasonLabels) as IgnoredReason[];
export const outcomes = Object.keys(outcomeLabels) as Outcome[];

export const totalsColumns: { key: keyof RunTotals; label: string; outcome: Outcome | null }[] = [
  { key: 'total', label: 'Total', outcome: null },
  { key: 'newLeads', label: 'New', outcome: 'NEW' },
  { key: 'reAdded', label: 'Re-added', outcome: 'RE_ADDED' },
  { key: 'duplicate', label: 'Duplicate', outcome: 'DUPLICATE' },
  { key: 'ignored', label: 'Ignored', outcome: 'IGNORED' },
  { key: 'deleted', label: 'Deleted', outcome: 'DELETED' },
];

const inactiveReasonWords: Record<string, string> = {
  credentials_changed: "the connection's key changed; activate the sync again once the new key is in",
  primary_email_changed:
    "the source account's primary email changed; activate the sync again once the key is entered again",
  manual: 'deactivated by a user',
  deactivated: 'deactivated by a user',
};

export function describeInactiveReason(reason: string | null): string {
  if (!reason) return '';
  const key = reason.toLowerCase();
  return inactiveReasonWords[key] ?? reason.replaceAll('_', ' ');
}
