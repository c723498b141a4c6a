import {
  createEmailChecker,
  type EmailCheck,
  type EmailChecker,
  type EmailCheckOptions,
} from '../email/check.ts';
import type { ClassifiedRecord, IgnoredReason, LeadStatus, Outcome } from './outcome.ts';
import type { RunState } from './run-state.ts';
import { countOutcome, emptyTotals, type RunTotals } from './totals.ts';

/** One source record to classify: its id and the value mapped to the lead's email. */
export interface ClassifyInput {
  sourceId: string;
  email: unknown;
}

/**
 * Existing leads' statuses for a page's candidate emails (normalized, distinct, passed rules 1–4):
 * one call per page. Emails without a lead are simply absent from the map.
 */
export type LeadStatusLookup = (
  emails: string[],
) => Promise<ReadonlyMap<string, LeadStatus>> | ReadonlyMap<string, LeadStatus>;

export interface ClassifyOptions extends EmailCheckOptions {
  /** A checker built once with `createEmailChecker` (wins over `extraRoles`). */
  checker?: EmailChecker;
}

export interface ClassifyBatchResult {
  /** One per input record, in input order. */
  results: ClassifiedRecord[];
  /** This page's totals. */
  pageTotals: RunTotals;
  /** The run's totals so far, this page included (a copy of `state.totals`). */
  totals: RunTotals;
}

const defaultChecker = createEmailChecker();
const EMPTY_CHECK: EmailCheck = { status: 'empty' };
const INVALID_CHECK: EmailCheck = { status: 'invalid' };

function ignored(sourceId: string, email: string | undefined, reason: IgnoredReason, suggestion?: string) {
  const r: ClassifiedRecord = { sourceId, email, outcome: 'ignored', reason, suggestion };
  return r;
}

function displayValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function outcomeFor(status: LeadStatus | undefined): { outcome: Outcome; reason: IgnoredReason | undefined } {
  switch (status) {
    case undefined:
      return { outcome: 'new', reason: undefined };
    case 'bounced':
      return { outcome: 'ignored', reason: 'bounced' };
    case 'do_not_mail':
      return { outcome: 'ignored', reason: 'do_not_mail' };
    case 'deleted':
      return { outcome: 're_added', reason: undefined };
    case 'active':
      return { outcome: 'duplicate', reason: undefined };
    default:
      throw new Error(`lead status lookup returned an unknown status: ${String(status)}`);
  }
}

const NEW = outcomeFor(undefined);
const BOUNCED = outcomeFor('bounced');
const DO_NOT_MAIL = outcomeFor('do_not_mail');
const RE_ADDED = outcomeFor('deleted');
const DUPLICATE = outcomeFor('active');

function outcomeForFast(status: LeadStatus | undefined) {
  if (status === undefined) return NEW;
  if (status === 'active') return DUPLICATE;
  if (status === 'deleted') return RE_ADDED;
  if (status === 'bounced') return BOUNCED;
  if (status === 'do_not_mail') return DO_NOT_MAIL;
  return outcomeFor(status);
}

/**
 * Classifies one page of source records by rules 1–9 of DESIGN.md section 2, the first matching rule
 * deciding: empty_email, invalid_pattern (syntax or typo domain, with suggestion), group_email,
 * file_duplicate (seen earlier in this run, `state.seen`), then the existing lead's status from one
 * `lookup` call for the page: bounced, do_not_mail, deleted → re_added, active → duplicate, none → new.
 *
 * Updates `state` (seen emails, running totals) only when the page succeeds: if `lookup` throws,
 * the state is as it was, so the page can be retried. The result does not depend on how a run is cut
 * into pages.
 */
export async function classifyBatch(
  records: readonly ClassifyInput[],
  lookup: LeadStatusLookup,
  state: RunState,
  options: ClassifyOptions = {},
): Promise<ClassifyBatchResult> {
  const check = options.checker ?? (options.extraRoles ? createEmailChecker(options) : defaultChecker);
  const seen = state.seen;
  const results: ClassifiedRecord[] = new Array(records.length);
  const pending: number[] = [];
  const pendingEmails: string[] = [];

  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const value = record.email;
    let checked: EmailCheck;
    if (typeof value === 'string') checked = check(value);
    else if (value === null || value === undefined) checked = EMPTY_CHECK;
    else {
      const shown = displayValue(value);
      checked = shown === undefined ? INVALID_CHECK : check(shown);
    }
    switch (checked.status) {
      case 'empty':
        results[i] = ignored(record.sourceId, undefined, 'empty_email');
        continue;
      case 'invalid':
        results[i] = ignored(
          record.sourceId,
          checked.normalized ?? displayValue(value),
          'invalid_pattern',
          checked.suggestion,
        );
        continue;
      case 'role':
        results[i] = ignored(record.sourceId, checked.normalized, 'group_email');
        continue;
    }
    const email = checked.normalized!;
    if (seen.has(email)) {
      results[i] = ignored(record.sourceId, email, 'file_duplicate');
      continue;
    }
    seen.add(email);
    pending.push(i);
    pendingEmails.push(email);
  }
  return finish(records, results, pending, pendingEmails, lookup, state);
}

async function finish(
  records: readonly ClassifyInput[],
  results: ClassifiedRecord[],
  pending: number[],
  pendingEmails: string[],
  lookup: LeadStatusLookup,
  state: RunState,
): Promise<ClassifyBatchResult> {
  let statuses: ReadonlyMap<string, LeadStatus>;
  try {
    statuses = pendingEmails.length > 0 ? await lookup(pendingEmails) : new Map();
    for (let k = 0; k < pending.length; k++) {
      const email = pendingEmails[k]!;
      const { outcome, reason } = outcomeForFast(statuses.get(email));
      const i = pending[k]!;
      results[i] = { sourceId: records[i]!.sourceId, email, outcome, reason, suggestion: undefined };
    }
  } catch (error) {
    for (const email of pendingEmails) state.seen.delete(email);
    throw error;
  }
  const pageTotals = emptyTotals();
  for (const r of results) countOutcome(pageTotals, r.outcome, r.reason);
  addInto(state.totals, pageTotals);
  return { results, pageTotals, totals: structuredClone(state.totals) };
}

function addInto(into: RunTotals, page: RunTotals): void {
  into.total += page.total;
  into.newLeads += page.newLeads;
  into.reAdded += page.reAdded;
  into.duplicate += page.duplicate;
  into.ignored += page.ignored;
  into.deleted += page.deleted;
  const a = into.ignoredBreakdown;
  const b = page.ignoredBreakdown;
  a.bounced += b.bounced;
  a.doNotMail += b.doNotMail;
  a.groupEmail += b.groupEmail;
  a.fileDuplicate += b.fileDuplicate;
  a.emptyEmail += b.emptyEmail;
  a.invalidPattern += b.invalidPattern;
}
