import { IGNORED_REASONS, type IgnoredReason, type Outcome } from './outcome.ts';

/** Counts per ignored reason; names as in the GraphQL `IgnoredBreakdown`. */
export interface IgnoredBreakdown {
  bounced: number;
  doNotMail: number;
  groupEmail: number;
  fileDuplicate: number;
  emptyEmail: number;
  invalidPattern: number;
}

/**
 * A run's totals; names as in the GraphQL `RunTotals`. Invariants:
 * `total = newLeads + reAdded + duplicate + ignored` and `ignored` = the sum of `ignoredBreakdown`.
 * `deleted` counts records the source no longer has; they are not part of `total`.
 */
export interface RunTotals {
  total: number;
  newLeads: number;
  reAdded: number;
  duplicate: number;
  ignored: number;
  deleted: number;
  ignoredBreakdown: IgnoredBreakdown;
}

export function emptyTotals(): RunTotals {
  return {
    total: 0,
    newLeads: 0,
    reAdded: 0,
    duplicate: 0,
    ignored: 0,
    deleted: 0,
    ignoredBreakdown: {
      bounced: 0,
      doNotMail: 0,
      groupEmail: 0,
      fileDuplicate: 0,
      emptyEmail: 0,
      invalidPattern: 0,
    },
  };
}

const BREAKDOWN_KEY: Record<IgnoredReason, keyof IgnoredBreakdown> = {
  bounced: 'bounced',
  do_not_mail: 'doNotMail',
  group_email: 'groupEmail',
  file_duplicate: 'fileDuplicate',
  empty_email: 'emptyEmail',
  invalid_pattern: 'invalidPattern',
};

/** The breakdown's counts, one a reason, in the order of IGNORED_REASONS. */
export const BREAKDOWN_KEYS: readonly (keyof IgnoredBreakdown)[] = IGNORED_REASONS.map(
  (reason) => BREAKDOWN_KEY[reason],
);

/** The totals' counts beside the breakdown. */
export const COUNT_KEYS = [
  'total',
  'newLeads',
  'reAdded',
  'duplicate',
  'ignored',
  'deleted',
] as const satisfies readonly Exclude<keyof RunTotals, 'ignoredBreakdown'>[];

export function breakdownKey(reason: IgnoredReason): keyof IgnoredBreakdown {
  return BREAKDOWN_KEY[reason];
}

/** The records a breakdown counts (the sum of its reasons). */
export function breakdownSum(breakdown: IgnoredBreakdown): number {
  let sum = 0;
  for (const key of BREAKDOWN_KEYS) sum += breakdown[key];
  return sum;
}

/** Counts one outcome into `totals` (mutates and returns it). */
export function countOutcome(totals: RunTotals, outcome: Outcome, reason?: IgnoredReason): RunTotals {
  switch (outcome) {
    case 'deleted':
      totals.deleted++;
      return totals;
    case 'new':
      totals.newLeads++;
      break;
    case 're_added':
      totals.reAdded++;
      break;
    case 'duplicate':
      totals.duplicate++;
      break;
    case 'ignored':
      if (reason === undefined) throw new Error('an ignored outcome needs a reason');
      totals.ignored++;
      totals.ignoredBreakdown[BREAKDOWN_KEY[reason]]++;
      break;
  }
  totals.total++;
  return totals;
}

/** Adds `more` into `into` (mutates and returns it). */
export function addTotalsInto(into: RunTotals, more: RunTotals): RunTotals {
  for (const key of COUNT_KEYS) into[key] += more[key];
  for (const key of BREAKDOWN_KEYS) into.ignoredBreakdown[key] += more.ignoredBreakdown[key];
  return into;
}

/** The sum of two totals, as a new object. */
export function addTotals(a: RunTotals, b: RunTotals): RunTotals {
  return addTotalsInto(addTotalsInto(emptyTotals(), a), b);
}

/** The invariants of DESIGN.md section 2 that `totals` breaks; empty when it is consistent. */
export function totalsViolations(totals: RunTotals): string[] {
  const problems: string[] = [];
  const sum = totals.newLeads + totals.reAdded + totals.duplicate + totals.ignored;
  if (totals.total !== sum)
    problems.push(`total ${totals.total} != new + re_added + duplicate + ignored ${sum}`);
  const ignored = breakdownSum(totals.ignoredBreakdown);
  if (totals.ignored !== ignored)
    problems.push(`ignored ${totals.ignored} != sum of the breakdown ${ignored}`);
  return problems;
}
