import { SourceUnavailableError } from '@leadsync/connector-sdk';
import { z } from 'zod';
import { listEnvelope, rawId } from './answers.ts';
import { type ZohoClient, ZohoRequestRefusedError } from './client.ts';
import { IdSet } from './id-set.ts';
import { type ListRow, readListRow } from './list-row.ts';
import type { ZohoInvoiceSettings } from './settings.ts';
import { formatZohoTime, zohoTimeToMillis } from './zoho-time.ts';

/**
 * The contacts listing every read, id listing and estimate goes through: keyset paging on `last_modified_time`, the
 * fallback to newest-first paging when Zoho refuses or ignores that filter, the page cap, and the checkpoint that
 * says where a read resumes (after a page, or after part of one).
 */

/** Contacts per list page (Zoho's most). */
export const PAGE_SIZE = 200;

/**
 * Where a read resumes. Normally pages are read in `last_modified_time` order with a moving lower bound (keyset
 * paging): `lastModifiedTime` is the bound sent as Zoho's `last_modified_time` filter (its own text, in the
 * organization's zone), `page` the page under that bound, `seen` the ids at exactly that time already delivered.
 * `topDown`: the API ignored or refused that filter (Zoho does not document it), so the read pages newest first from
 * the top and stops at `since`; there `lastModifiedTime`/`seen` are the oldest time delivered so far and its ids, so
 * a row pushed onto the next page by a change is not delivered twice. `until`: the read's upper bound (ISO), the time
 * it started: a contact changed after it is left to the next run. `pages`: requests made, against the page cap.
 */
export const zohoInvoiceCheckpointSchema = z.object({
  lastModifiedTime: z.string().optional(),
  until: z.string().optional(),
  page: z.number().int().min(1),
  seen: z.array(z.string()).default([]),
  /** Older checkpoints' name for `topDown`. */
  filterIgnored: z.boolean().default(false),
  topDown: z.boolean().default(false),
  pages: z.number().int().min(0).default(0),
  /**
   * `topDown` after an oldest-first stretch of the same read: what that stretch delivered (everything older than
   * `time`, and `seen` at it), where the top-down read stops instead of at `since`.
   */
  floor: z.object({ time: z.string(), seen: z.array(z.string()) }).optional(),
});
export type ZohoInvoiceCheckpoint = z.infer<typeof zohoInvoiceCheckpointSchema>;

/** The read stopped at its page cap while Zoho still said `has_more_page`. */
export class PageCapReachedError extends SourceUnavailableError {}

/** A source that never stops saying `has_more_page` is stopped after this many pages of one read (2M contacts). */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Zoho accounts (`apiUrl|organization`) known to refuse the `last_modified_time` filter, so that later reads go top
 * down at once. Bounded (oldest out first): forgetting one costs one refused request.
 */
const refusesModifiedFilter = new Set<string>();
function rememberRefusal(account: string): void {
  refusesModifiedFilter.delete(account);
  refusesModifiedFilter.add(account);
  if (refusesModifiedFilter.size > 1000)
    refusesModifiedFilter.delete(refusesModifiedFilter.values().next().value as string);
}

/**
 * `filter_by` of a contacts list: `Status.All` (an inactive contact is not a deleted one) unless the sync asks for
 * active contacts only. A connection made before that was a sync's choice may still say `activeContactsOnly`: it
 * counts when the request does not say (migration 0019 copied it onto the connection's syncs).
 */
export function filterBy(activeOnly: boolean | undefined, settings: ZohoInvoiceSettings): string {
  return (activeOnly ?? settings.activeContactsOnly) ? 'Status.Active' : 'Status.All';
}

export interface ScanPage {
  rows: ListRow[];
  rejected: { sourceId?: string; reason: string }[];
  /** Where the read resumes after the whole page. */
  checkpoint: ZohoInvoiceCheckpoint;
  /** Where the read resumes after `rows[0..index]` only (the rest of this page is read again from there). */
  after(index: number): ZohoInvoiceCheckpoint;
}

/**
 * The checkpoint after the first rows of a page: the bound moves to the last row delivered (oldest first: the
 * newest so far; newest first: the oldest so far) and `seen` holds the ids delivered at that very time, so the
 * rest of the page, ties included, comes when the same request is made again from there.
 */
function checkpointAfter(
  state: ZohoInvoiceCheckpoint,
  cursorMs: number | undefined,
  rows: readonly ListRow[],
  index: number,
  pages: number,
): ZohoInvoiceCheckpoint {
  const last = rows[index] as ListRow;
  const ids = rows
    .slice(0, index + 1)
    .filter((r) => r.modifiedMs === last.modifiedMs)
    .map((r) => r.id);
  const seen = last.modifiedMs === cursorMs ? [...new Set([...state.seen, ...ids])] : ids;
  return {
    ...state,
    lastModifiedTime: last.modifiedTime,
    seen,
    // Oldest first, the bound is sent as the filter and paging starts again at 1; newest first, the same page is
    // asked for again and the bound skips what was delivered.
    page: state.topDown ? state.page : 1,
    pages,
  };
}

interface ScanOptions {
  since?: Date | undefined;
  start?: ZohoInvoiceCheckpoint | undefined;
  /** Leave out contacts modified after this instant (and stop there); unset: list to the end. */
  until?: Date | undefined;
  pageSize?: number;
  /** `Status.All` (default: inactive contacts are contacts too) or `Status.Active`. */
  filterBy?: string;
  maxPages?: number;
}

/**
 * Every contact modified at or after `since` (and up to `until`), each id once, in pages of at most 200. Keyset
 * paging on `last_modified_time` keeps a contact modified or deleted during the read from shifting others past a
 * page boundary (plain page numbers would skip one). When the API ignores the filter (rows older than the bound
 * come back) or refuses it (a 4xx), the read pages from the newest down instead and stops at `since`: a change
 * during the read moves a contact to the top, above `until`, so nothing is skipped for it (a deletion during a
 * top-down read can still shift one row past a page boundary: README). A source that keeps saying
 * `has_more_page` is stopped after `maxPages`.
 */
export async function* scanContacts(
  client: ZohoClient,
  organizationId: string,
  options: ScanOptions = {},
): AsyncGenerator<ScanPage> {
  const { since, start, pageSize = PAGE_SIZE } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const sinceMs = since ? Math.floor(since.getTime() / 1000) * 1000 : undefined;
  const account = client.account(organizationId);
  let state: ZohoInvoiceCheckpoint = start
    ? { ...start, topDown: start.topDown || start.filterIgnored }
    : {
        lastModifiedTime: sinceMs === undefined ? undefined : formatZohoTime(sinceMs),
        ...(options.until ? { until: options.until.toISOString() } : {}),
        page: 1,
        seen: [],
        filterIgnored: false,
        topDown: sinceMs !== undefined && refusesModifiedFilter.has(account),
        pages: 0,
      };
  if (state.topDown && !start) state = { ...state, lastModifiedTime: undefined };
  const untilMs = state.until ? Date.parse(state.until) : undefined;
  /** The filter failed: top down from page 1, stopping at what the oldest-first stretch delivered (its bound). */
  const topDownFrom = (from: ZohoInvoiceCheckpoint, pages: number): ZohoInvoiceCheckpoint => ({
    ...from,
    topDown: true,
    lastModifiedTime: undefined,
    page: 1,
    seen: [],
    pages,
    floor: from.lastModifiedTime ? { time: from.lastModifiedTime, seen: from.seen } : undefined,
  });
  /** Ids delivered by this scan, so none comes twice (a contact changed during the scan moves to the end). */
  const delivered = new IdSet();
  for (;;) {
    if (state.pages >= maxPages) {
      throw new PageCapReachedError(
        `Zoho Invoice still said has_more_page after ${state.pages} pages of contacts; the read was stopped`,
        `Zoho Invoice kept announcing more contacts after ${state.pages} pages; the read was stopped so that it does not run for ever. Nothing is lost: the next run reads again from the last successful one.`,
      );
    }
    const query: Record<string, string | number> = {
      page: state.page,
      per_page: pageSize,
      sort_column: 'last_modified_time',
      sort_order: state.topDown ? 'D' : 'A',
      filter_by: options.filterBy ?? 'Status.All',
    };
    const filtered = !state.topDown && state.lastModifiedTime !== undefined;
    if (filtered) query.last_modified_time = state.lastModifiedTime as string;
    let answer: Record<string, unknown>;
    try {
      answer = await client.get('/contacts', organizationId, query);
    } catch (error) {
      if (!(filtered && error instanceof ZohoRequestRefusedError && error.status < 500)) throw error;
      // Zoho does not document last_modified_time as a list filter: refused, the read goes top down from now on.
      rememberRefusal(account);
      state = topDownFrom(state, state.pages);
      continue;
    }
    const body = listEnvelope(answer);
    const cursorMs = state.lastModifiedTime ? zohoTimeToMillis(state.lastModifiedTime) : undefined;
    const seen = new Set(state.seen);
    const floorMs = state.floor ? zohoTimeToMillis(state.floor.time) : undefined;
    const floorSeen = new Set(state.floor?.seen);
    const stopMs = floorMs !== undefined && (sinceMs === undefined || floorMs > sinceMs) ? floorMs : sinceMs;
    const rows: ListRow[] = [];
    const rejected: ScanPage['rejected'] = [];
    let filterIgnoredNow = false;
    let reachedEnd = false;
    let newest: { ms: number; raw: string; ids: string[] } | undefined;
    let oldest: { ms: number; raw: string; ids: string[] } | undefined;
    const atCursor: string[] = [];

    if (!state.topDown && cursorMs !== undefined) {
      // Sorted oldest first: the first readable row is the oldest, so it alone tells whether the filter held.
      for (const raw of body.contacts) {
        const read = readListRow(raw);
        if (!read.ok) continue;
        filterIgnoredNow = read.row.modifiedMs < cursorMs;
        break;
      }
    }
    for (const raw of filterIgnoredNow ? [] : body.contacts) {
      const read = readListRow(raw);
      if (!read.ok) {
        rejected.push({ sourceId: rawId(raw), reason: read.reason });
        continue;
      }
      const row = read.row;
      const ms = row.modifiedMs;
      if (state.topDown) {
        if (stopMs !== undefined && ms < stopMs) {
          reachedEnd = true; // newest first: every later row is older still
          break;
        }
        if (untilMs !== undefined && ms > untilMs) continue;
        if (ms === floorMs && floorSeen.has(row.id)) continue;
        if (cursorMs !== undefined && (ms > cursorMs || (ms === cursorMs && seen.has(row.id)))) continue;
        if (!oldest || ms < oldest.ms) oldest = { ms, raw: row.modifiedTime, ids: [row.id] };
        else if (ms === oldest.ms) oldest.ids.push(row.id);
        if (!delivered.add(row.id)) continue;
        rows.push(row);
        continue;
      }
      if (!newest || ms > newest.ms) newest = { ms, raw: row.modifiedTime, ids: [row.id] };
      else if (ms === newest.ms) newest.ids.push(row.id);
      if (ms === cursorMs) atCursor.push(row.id);
      if (untilMs !== undefined && ms > untilMs) {
        reachedEnd = true;
        continue;
      }
      if (sinceMs !== undefined && ms < sinceMs) continue;
      if (cursorMs !== undefined && (ms < cursorMs || (ms === cursorMs && seen.has(row.id)))) continue;
      if (!delivered.add(row.id)) continue;
      rows.push(row);
    }

    const pages = state.pages + 1;
    if (filterIgnoredNow) {
      // The filter was ignored (rows older than the bound came back): this page is dropped, the read goes top down.
      state = topDownFrom(state, pages);
      continue;
    }
    let next: ZohoInvoiceCheckpoint;
    if (state.topDown) {
      const cursor =
        oldest && (cursorMs === undefined || oldest.ms < cursorMs)
          ? { lastModifiedTime: oldest.raw, seen: oldest.ids }
          : oldest
            ? { seen: [...new Set([...state.seen, ...oldest.ids])] }
            : {};
      next = { ...state, ...cursor, page: state.page + 1, pages };
    } else if (newest && (cursorMs === undefined || newest.ms > cursorMs))
      next = { ...state, lastModifiedTime: newest.raw, page: 1, seen: newest.ids, pages };
    else next = { ...state, page: state.page + 1, seen: [...new Set([...state.seen, ...atCursor])], pages };

    const from = state;
    yield { rows, rejected, checkpoint: next, after: (i) => checkpointAfter(from, cursorMs, rows, i, pages) };
    // Sorted oldest first: once a row is past `until`, every later one is too (newest first: older than `since`).
    if (!body.page_context.has_more_page || reachedEnd) return;
    state = next;
  }
}
