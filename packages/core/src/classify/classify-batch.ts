import type { EmailCheckOptions } from '../email/check.ts';
import {
  compileRoles,
  EMPTY,
  INVALID,
  newScanResult,
  ROLE,
  type RoleTable,
  type ScanResult,
  scanEmail,
} from '../email/scan.ts';
import { storableText } from '../values/storable.ts';
import type { ClassifiedRecord, IgnoredReason, LeadStatus, Outcome } from './outcome.ts';
import type { RunState } from './run-state.ts';
import { addTotalsInto, breakdownSum, emptyTotals, type RunTotals } from './totals.ts';

/** One source record to classify: its id and the value mapped to the lead's email. */
export interface ClassifyInput {
  sourceId: string;
  email: unknown;
}

/**
 * What a lookup answers for an email recorded earlier in this run (rule 4). `state.seen` holds the emails seen in
 * this process; a run that keeps the emails of its earlier pages elsewhere (the engine: in its stored records, so its
 * memory does not grow with the run) starts each page with an empty `state.seen` and answers this instead.
 */
export const SEEN_EARLIER_IN_RUN = 'seen_earlier_in_run';

/**
 * Existing leads' statuses for a page's candidate emails (normalized, distinct, passed rules 1–4 as far as
 * `state.seen` knows): one call per page. Emails without a lead are simply absent from the map.
 */
export type LeadStatusLookup = (
  emails: string[],
) =>
  | Promise<ReadonlyMap<string, LeadStatus | typeof SEEN_EARLIER_IN_RUN>>
  | ReadonlyMap<string, LeadStatus | typeof SEEN_EARLIER_IN_RUN>;

export interface ClassifyOptions extends EmailCheckOptions {
  /** Role names compiled once with `compileRoles` (wins over `extraRoles`); saves recompiling per page. */
  roles?: RoleTable;
  /**
   * Awaited between slices of `sliceSize` records of rules 1–4, so that a large page does not hold the thread
   * (the engine yields to the event loop there: API and worker share a process).
   */
  pause?: () => Promise<unknown>;
  /** Records per slice when `pause` is given (default 250). */
  sliceSize?: number;
}

export interface ClassifyBatchResult {
  /** One per input record, in input order. */
  results: ClassifiedRecord[];
  /** This page's totals. */
  pageTotals: RunTotals;
  /** The run's totals so far, this page included (a copy of `state.totals`). */
  totals: RunTotals;
}

const defaultRoles = compileRoles();
const scratch: ScanResult = newScanResult();

function trimmedDisplay(value: unknown): string | undefined {
  if (typeof value === 'string') return value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function record(
  sourceId: string,
  email: string | undefined,
  outcome: Outcome,
  reason: IgnoredReason | undefined,
  suggestion: string | undefined,
): ClassifiedRecord {
  return { sourceId, email, outcome, reason, suggestion };
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
  const roles = options.roles ?? (options.extraRoles ? compileRoles(options.extraRoles) : defaultRoles);
  const seen = state.seen;
  const { pause } = options;
  const slice = Math.max(1, options.sliceSize ?? 250);
  // The shared scratch result only when nothing awaits in the loop below; with pauses, another page's
  // classification may run in between.
  const out = pause ? newScanResult() : scratch;
  const results: ClassifiedRecord[] = new Array(records.length);
  const pending: number[] = [];
  const pendingEmails: string[] = [];
  const page = emptyTotals();
  const ignoredBy = page.ignoredBreakdown;

  // Rules 1–4 (synchronously unless `pause` is given).
  for (let i = 0; i < records.length; i++) {
    if (pause && i > 0 && i % slice === 0) await pause();
    const { sourceId, email: value } = records[i]!;
    if (typeof value === 'string') scanEmail(value, roles, out);
    else if (value === null || value === undefined) out.status = EMPTY;
    else {
      const shown = trimmedDisplay(value);
      if (shown === undefined) {
        out.status = INVALID;
        out.normalized = undefined;
        out.suggestion = undefined;
      } else scanEmail(shown, roles, out);
    }
    const status = out.status;
    if (status === EMPTY) {
      results[i] = record(sourceId, undefined, 'ignored', 'empty_email', undefined);
      ignoredBy.emptyEmail++;
    } else if (status === INVALID) {
      // As the source wrote it; a NUL or an unpaired surrogate (both fail the syntax) shown as U+FFFD, so that the
      // report can be stored and still shows why the address was refused.
      const raw = out.normalized ?? trimmedDisplay(value);
      const shown = raw === undefined ? undefined : storableText(raw, '\ufffd');
      results[i] = record(sourceId, shown, 'ignored', 'invalid_pattern', out.suggestion);
      ignoredBy.invalidPattern++;
    } else if (status === ROLE) {
      results[i] = record(sourceId, out.normalized, 'ignored', 'group_email', undefined);
      ignoredBy.groupEmail++;
    } else {
      const email = out.normalized!;
      if (seen.addHashed(email, out.hash)) {
        pending.push(i);
        pendingEmails.push(email);
      } else {
        results[i] = record(sourceId, email, 'ignored', 'file_duplicate', undefined);
        ignoredBy.fileDuplicate++;
      }
    }
  }

  // Rules 5–9: one lookup for the page.
  try {
    const statuses = pendingEmails.length > 0 ? await lookup(pendingEmails) : undefined;
    for (let k = 0; k < pending.length; k++) {
      const email = pendingEmails[k]!;
      const i = pending[k]!;
      const sourceId = records[i]!.sourceId;
      const lead = statuses?.get(email);
      if (lead === SEEN_EARLIER_IN_RUN) {
        results[i] = record(sourceId, email, 'ignored', 'file_duplicate', undefined);
        ignoredBy.fileDuplicate++;
      } else if (lead === undefined) {
        results[i] = record(sourceId, email, 'new', undefined, undefined);
        page.newLeads++;
      } else if (lead === 'active') {
        results[i] = record(sourceId, email, 'duplicate', undefined, undefined);
        page.duplicate++;
      } else if (lead === 'deleted') {
        results[i] = record(sourceId, email, 're_added', undefined, undefined);
        page.reAdded++;
      } else if (lead === 'bounced') {
        results[i] = record(sourceId, email, 'ignored', 'bounced', undefined);
        ignoredBy.bounced++;
      } else if (lead === 'do_not_mail') {
        results[i] = record(sourceId, email, 'ignored', 'do_not_mail', undefined);
        ignoredBy.doNotMail++;
      } else {
        throw new Error(`lead status lookup returned an unknown status for ${email}: ${String(lead)}`);
      }
    }
  } catch (error) {
    seen.deleteAll(pendingEmails);
    throw error;
  }

  page.ignored = breakdownSum(ignoredBy);
  page.total = records.length;
  addTotalsInto(state.totals, page);
  return { results, pageTotals: page, totals: addTotalsInto(emptyTotals(), state.totals) };
}
