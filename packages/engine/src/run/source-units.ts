import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RecordPage, SourceRecord } from '@leadsync/connector-sdk';
import type { Mapper } from '@leadsync/core';
import { MAX_REJECTION_LENGTH, MAX_RUN_REJECTIONS } from '@leadsync/db/schema';
import { contentHash } from '../content-hash.ts';
import type { Predicate } from '../criteria.ts';
import { EngineError } from '../errors.ts';
import type { PageWrite } from './plan.ts';
import { ReadAhead } from './read-ahead.ts';
import { CPU_SLICE_RECORDS, type PreparedRecord, type RunCheckpoint } from './types.ts';

/**
 * Source pages in a row without any record after which a run fails: a source answering endless empty pages (a
 * broken paging) would otherwise keep a run, and the sync's lock, for ever. A real source sends an empty page only
 * as its last, or while it skips records a filter leaves out (thousands of pages at most).
 */
export const MAX_EMPTY_PAGES = 10_000;

/** Counts a source's empty pages in a row; throws a sentence for a person past the limit. */
export class EmptyPages {
  private inARow = 0;
  constructor(private readonly limit = MAX_EMPTY_PAGES) {}

  count(records: number): void {
    this.inARow = records > 0 ? 0 : this.inARow + 1;
    if (this.inARow > this.limit) {
      throw new EngineError(
        'invalid_input',
        `The source answered ${this.limit} empty pages in a row without ending its list, so the run stopped. ` +
          'The records written so far are kept; run the sync again later, and if it happens again, check the source.',
      );
    }
  }
}

/**
 * Source pages are written in units of at least this many records (whole pages; fewer at the end): one transaction,
 * one checkpoint and one heartbeat per unit. Small source pages (Zoho Invoice sends 200) would otherwise pay the
 * per-transaction round trips and the engine/database turn-taking for every 200 records.
 */
export const WRITE_UNIT_RECORDS = 1000;
/** Source pages read ahead of the unit being written. */
const READ_AHEAD_PAGES = 10;

/** Whole source pages written together (WRITE_UNIT_RECORDS), and the source's failure that ended them, if any. */
export interface SourceUnit {
  page: PageWrite;
  failure: { error: unknown } | undefined;
}

export interface SourceUnitsOptions {
  pages: AsyncIterator<RecordPage>;
  /** The checkpoint the read started from: each unit's is this with the source's checkpoint after it. */
  checkpoint: RunCheckpoint;
  /** `seq` of the first record (the records the run has written already). */
  seqStart: number;
  mapper: Mapper;
  /** A CRITERIA sync's criteria; undefined: every record is in scope. */
  inScope: Predicate | undefined;
  unitRecords?: number;
  maxEmptyPages?: number;
  /** Told how many unreadable records a unit's pages held. */
  onRejected(rejected: number): void;
}

/**
 * The source's pages, read ahead (up to READ_AHEAD_PAGES) and gathered in units of whole pages: in-scope records
 * mapped and hashed, the unit's high-water mark, read count and checkpoint.
 */
export class SourceUnits {
  private readonly pages: ReadAhead<RecordPage>;
  private readonly empty: EmptyPages;
  private readonly unitRecords: number;
  private seq: number;

  constructor(private readonly options: SourceUnitsOptions) {
    this.pages = new ReadAhead(options.pages, READ_AHEAD_PAGES);
    this.empty = new EmptyPages(options.maxEmptyPages);
    this.unitRecords = options.unitRecords ?? WRITE_UNIT_RECORDS;
    this.seq = options.seqStart;
  }

  /** Stops reading ahead. */
  stop(): void {
    this.pages.stop();
  }

  /** The next unit; undefined when the source is done. A source failure after some pages comes with them. */
  async next(): Promise<SourceUnit | undefined> {
    const records: PreparedRecord[] = [];
    let readCount = 0;
    let rejected = 0;
    const rejections: string[] = [];
    let highWaterMark: Date | undefined;
    let sourceCheckpoint: RecordPage['checkpoint'] | undefined;
    let failure: { error: unknown } | undefined;
    while (readCount < this.unitRecords) {
      let page: RecordPage | undefined;
      try {
        page = await this.pages.take();
        if (!page) break;
        this.empty.count(page.records.length + (page.rejected?.length ?? 0));
      } catch (error) {
        // The pages read before the failure (or the empty pages' limit) are still written and checkpointed: the
        // next run goes on from there.
        failure = { error };
        break;
      }
      const newest = await prepare(page.records, this.options.mapper, this.options.inScope, records);
      if (newest !== undefined && (!highWaterMark || newest > highWaterMark.getTime()))
        highWaterMark = new Date(newest);
      readCount += page.records.length + (page.rejected?.length ?? 0);
      rejected += page.rejected?.length ?? 0;
      for (const r of page.rejected ?? []) {
        if (rejections.length >= MAX_RUN_REJECTIONS) break;
        rejections.push(r.reason.slice(0, MAX_REJECTION_LENGTH));
      }
      sourceCheckpoint = page.checkpoint;
    }
    if (sourceCheckpoint === undefined) {
      if (failure) throw failure.error;
      return undefined;
    }
    if (rejected > 0) this.options.onRejected(rejected);
    let cleanedFields = 0;
    for (const record of records) cleanedFields += record.mapped.cleaned;
    const page: PageWrite = {
      records,
      readCount,
      highWaterMark,
      checkpoint: { ...this.options.checkpoint, source: sourceCheckpoint },
      seqStart: this.seq,
      cleanedFields,
      rejectedCount: rejected,
      rejections,
    };
    this.seq += records.length;
    return { page, failure };
  }
}

/**
 * Appends the page's in-scope records, mapped, to `out`; resolves to the newest modification time (ms) of all its
 * records, out-of-scope ones included (the run's high-water mark covers everything read). Yields to the event loop
 * between slices of CPU_SLICE_RECORDS (criteria can be costly).
 */
async function prepare(
  records: SourceRecord[],
  mapper: Mapper,
  inScope: Predicate | undefined,
  out: PreparedRecord[],
): Promise<number | undefined> {
  let newest: number | undefined;
  for (let start = 0; start < records.length; start += CPU_SLICE_RECORDS) {
    if (start > 0) await yieldToEventLoop();
    const end = Math.min(records.length, start + CPU_SLICE_RECORDS);
    for (let i = start; i < end; i++) {
      const record = records[i]!;
      const t = record.modifiedAt ? Date.parse(record.modifiedAt) : Number.NaN;
      if (!Number.isNaN(t) && (newest === undefined || t > newest)) newest = t;
      if (inScope && !inScope(record.fields)) continue;
      const mapped = mapper(record.fields);
      out.push({
        sourceId: record.sourceId,
        modifiedAt: Number.isNaN(t) ? undefined : new Date(t),
        mapped,
        hash: contentHash(mapped),
      });
    }
  }
  return newest;
}
