import { BadSourceDataError, SourceUnavailableError } from '@leadsync/connector-sdk';
import { z } from 'zod';
import { CrmRequestRefusedError, type ZohoCrmClient } from './client.ts';
import { formatCrmTime, type ReadRow, readRow, recordsEnvelopeSchema } from './records.ts';
import type { CrmModule } from './settings.ts';

export const PAGE_SIZE = 200;
/** Pages Zoho serves by page number before it asks for a page token (2,000 records: README, R3). */
const NUMBERED_PAGES = 10;
/** Ids at the cursor's second kept in a checkpoint; a bulk import can write many records in one second. */
const MAX_SEEN = 20_000;
/** A source that never stops saying `more_records` is stopped after this many pages of one read (2M records). */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Where a read resumes: `cursor` is the newest `Modified_Time` delivered (ISO) and `seen` the ids delivered at exactly
 * that time; `bound` what the current chain of pages asks for (it moves up to `cursor` when a chain restarts); `pageToken` Zoho's token for the next page (or `page`, its number, while Zoho gives none). A refused or
 * expired token restarts the listing from `cursor` (If-Modified-Since), which loses and repeats nothing because
 * pages are sorted by `Modified_Time`. `until`: the time the read started (a record changed after it comes with the
 * next run); `since`: the read's lower bound; `pages`: requests made, against the page cap.
 */
export const zohoCrmCheckpointSchema = z.object({
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  cursor: z.iso.datetime().optional(),
  /** The If-Modified-Since the current chain of pages started with (every page of a chain asks the same question). */
  bound: z.iso.datetime().optional(),
  seen: z.array(z.string().max(30)).max(MAX_SEEN).default([]),
  pageToken: z.string().max(2_000).optional(),
  page: z.number().int().min(1).default(1),
  restarts: z.number().int().min(0).default(0),
  pages: z.number().int().min(0).default(0),
});
export type ZohoCrmCheckpoint = z.infer<typeof zohoCrmCheckpointSchema>;

/** The read stopped at its page cap while Zoho still said `more_records`. */
export class PageCapReachedError extends SourceUnavailableError {}

export interface ScanPage {
  rows: ReadRow[];
  rejected: { sourceId?: string; reason: string }[];
  checkpoint: ZohoCrmCheckpoint;
}

export interface ScanOptions {
  module: CrmModule;
  fields: readonly string[];
  since?: Date | undefined;
  /** Leave out records modified after this instant; unset: every record, each id once (a listing). */
  until?: Date | undefined;
  start?: ZohoCrmCheckpoint | undefined;
  pageSize?: number;
  maxPages?: number;
}

/** Refusals of a page position (README, R3): expired token, token for another query, past the paging limits. */
const TOKEN_REFUSALS = new Set([
  'EXPIRED_VALUE',
  'TOKEN_BOUND_DATA_MISMATCH',
  'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
  'PAGINATION_LIMIT_EXCEEDED',
]);

/** A new chain of pages from the newest time delivered (its If-Modified-Since moves up to it). */
function restart(state: ZohoCrmCheckpoint): ZohoCrmCheckpoint {
  const { pageToken: _token, ...rest } = state;
  return { ...rest, ...(state.cursor ? { bound: state.cursor } : {}), page: 1, restarts: state.restarts + 1 };
}

/** Zoho refused the page token (expired, or not valid any more): the listing restarts from the cursor. */
function tokenRefused(error: unknown): boolean {
  if (!(error instanceof CrmRequestRefusedError) || error.status >= 500) return false;
  const { code, details } = error.body;
  return TOKEN_REFUSALS.has(code) || details.param_name === 'page_token' || details.api_name === 'page_token';
}

/**
 * Every record of a module modified at or after `since` (and up to `until`), sorted by `Modified_Time`, each id once,
 * in pages of at most 200: page numbers, then Zoho's page tokens (past 2,000 records), and a restart from the newest
 * time delivered (If-Modified-Since) whenever Zoho refuses a token or gives none past the numbered pages.
 */
export async function* scanRecords(client: ZohoCrmClient, options: ScanOptions): AsyncGenerator<ScanPage> {
  const pageSize = Math.min(PAGE_SIZE, Math.max(1, options.pageSize ?? PAGE_SIZE));
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let state: ZohoCrmCheckpoint = options.start ?? {
    ...(options.since
      ? { since: new Date(Math.floor(options.since.getTime() / 1000) * 1000).toISOString() }
      : {}),
    ...(options.until ? { until: options.until.toISOString() } : {}),
    seen: [],
    page: 1,
    restarts: 0,
    pages: 0,
  };
  const sinceMs = state.since ? Date.parse(state.since) : undefined;
  const untilMs = state.until ? Date.parse(state.until) : undefined;
  /** A listing (no `until`) may meet a record twice when it changes meanwhile: each id once, by a set. */
  const listed = untilMs === undefined ? new Set<string>() : undefined;
  let restartedFrom: string | undefined;
  for (;;) {
    if (state.pages >= maxPages) {
      throw new PageCapReachedError(
        `Zoho CRM still said more_records after ${state.pages} pages; the read was stopped`,
        `Zoho CRM kept announcing more records after ${state.pages} pages; the read was stopped so that it does not run for ever. Nothing is lost: the next run reads again from the last successful one.`,
      );
    }
    const bound = state.bound ?? state.since;
    const query: Record<string, string | number> = {
      fields: options.fields.join(','),
      per_page: pageSize,
      sort_by: 'Modified_Time',
      sort_order: 'asc',
      // A lead converted into a contact is still a person on the list: read it (README, R7).
      ...(options.module === 'Leads' ? { converted: 'both' } : {}),
    };
    if (state.pageToken) query.page_token = state.pageToken;
    else if (state.page > 1) query.page = state.page;
    // One second earlier: whether Zoho counts the header's second in or out is not documented (README, R5).
    const headers: Record<string, string> = bound
      ? { 'If-Modified-Since': formatCrmTime(Date.parse(bound) - 1000) }
      : {};
    let answer: Awaited<ReturnType<ZohoCrmClient['get']>>;
    try {
      answer = await client.get(`/${options.module}`, query, headers);
    } catch (error) {
      if (!tokenRefused(error) || (state.page === 1 && !state.pageToken)) throw error;
      // Restart from the newest time delivered; twice at the same cursor means it cannot move on (more than 2,000
      // records in one second with no token): say so rather than loop.
      if (restartedFrom !== undefined && restartedFrom === (state.cursor ?? '')) throw error;
      restartedFrom = state.cursor ?? '';
      state = { ...restart(state), pages: state.pages + 1 };
      continue;
    }
    const pages = state.pages + 1;
    if (!answer.json) {
      yield { rows: [], rejected: [], checkpoint: { ...state, pages } };
      return;
    }
    const parsed = recordsEnvelopeSchema.safeParse(answer.json);
    if (!parsed.success) {
      throw new BadSourceDataError(
        `Zoho CRM answered GET /${options.module} with an unexpected shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        undefined,
        'Zoho CRM sent an answer in a shape we do not understand.',
      );
    }
    const { data, info } = parsed.data;
    const cursorMs = state.cursor ? Date.parse(state.cursor) : undefined;
    const seen = new Set(state.seen);
    let newest = cursorMs === undefined ? undefined : { ms: cursorMs, ids: [...state.seen] };
    const rows: ReadRow[] = [];
    const rejected: ScanPage['rejected'] = [];
    for (const raw of data) {
      const read = readRow(raw, options.fields);
      if (!read.ok) {
        rejected.push({ ...(read.id ? { sourceId: read.id } : {}), reason: read.reason });
        continue;
      }
      const { id, modifiedMs: ms } = read.row;
      if ((sinceMs !== undefined && ms < sinceMs) || (untilMs !== undefined && ms > untilMs)) continue;
      if (listed) {
        if (listed.has(id)) continue;
        listed.add(id);
      } else if (cursorMs !== undefined && (ms < cursorMs || (ms === cursorMs && seen.has(id)))) continue;
      if (!newest || ms > newest.ms) newest = { ms, ids: [id] };
      else if (ms === newest.ms && newest.ids.length < MAX_SEEN) newest.ids.push(id);
      rows.push(read.row);
    }
    const cursor = newest ? { cursor: new Date(newest.ms).toISOString(), seen: newest.ids } : {};
    const more = info.more_records && data.length > 0;
    let next: ZohoCrmCheckpoint;
    if (info.next_page_token)
      next = { ...state, ...cursor, pageToken: info.next_page_token, page: state.page + 1, pages };
    else if (state.page < NUMBERED_PAGES && !state.pageToken)
      next = { ...state, ...cursor, page: state.page + 1, pages };
    else next = { ...restart({ ...state, ...cursor }), pages };
    yield { rows, rejected, checkpoint: next };
    if (!more) return;
    state = next;
  }
}
