import { and, asc, count, eq, gt, isNull, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../client.ts';
import { type IgnoredReason, type RunOutcome, type RunRecord, runRecords } from '../schema/runs.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from './cursor.ts';
import { isUuid } from './ids.ts';

export type RunRecordInput = Omit<
  RunRecord,
  'id' | 'runId' | 'organizationId' | 'email' | 'leadId' | 'reason' | 'suggestion' | 'previous'
> &
  Partial<Pick<RunRecord, 'email' | 'leadId' | 'reason' | 'suggestion' | 'previous'>>;

export interface RunRecordFilter extends PageArgs {
  outcome?: RunOutcome | null;
  /** `null` or absent: any reason. */
  reason?: IgnoredReason | null;
}

const recordCursor = z.object({ s: z.number().int() });

/** Rows per INSERT statement: 11 parameters each stays far below PostgreSQL's 65,535. */
const INSERT_CHUNK = 2_000;

export class RunRecordRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  /** Appends records of a run, set-based (one multi-row INSERT per 2,000); returns how many were written. */
  async insertMany(runId: string, records: readonly RunRecordInput[]): Promise<number> {
    let written = 0;
    for (let start = 0; start < records.length; start += INSERT_CHUNK) {
      const chunk = records.slice(start, start + INSERT_CHUNK);
      const rows = await this.db
        .insert(runRecords)
        .values(chunk.map((record) => ({ ...record, runId, organizationId: this.organizationId })))
        .returning({ id: runRecords.id });
      written += rows.length;
    }
    return written;
  }

  private filters(runId: string, filter: Pick<RunRecordFilter, 'outcome' | 'reason'>): SQL | undefined {
    // A reason is set exactly when the outcome is `ignored` (check constraint), so each filter implies the other
    // column too and the (run_id, outcome, reason, seq) index yields rows already in `seq` order.
    const outcome = filter.outcome ?? (filter.reason ? 'ignored' : undefined);
    return and(
      eq(runRecords.organizationId, this.organizationId),
      eq(runRecords.runId, runId),
      outcome ? eq(runRecords.outcome, outcome) : undefined,
      filter.reason ? eq(runRecords.reason, filter.reason) : undefined,
      outcome && outcome !== 'ignored' ? isNull(runRecords.reason) : undefined,
    );
  }

  /** Records of a run in source order, optionally of one outcome and/or reason; keyset pagination on `seq`. */
  async page(runId: string, args: RunRecordFilter = {}): Promise<Page<RunRecord>> {
    const limit = pageSize(args.first, 50);
    if (!isUuid(runId)) return toPage([], limit, 0, () => '');
    const where = this.filters(runId, args);
    const after = args.after ? decodeCursor(args.after, recordCursor) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(runRecords)
        .where(after ? and(where, gt(runRecords.seq, after.s)) : where)
        .orderBy(asc(runRecords.seq))
        .limit(limit + 1),
      this.db.select({ n: count() }).from(runRecords).where(where),
    ]);
    return toPage(rows, limit, total?.n ?? 0, (record) => encodeCursor({ s: record.seq }));
  }

  /** Every record of a run in source order, a batch at a time (for the CSV export and undo). */
  async *iterate(
    runId: string,
    options: { batchSize?: number; outcome?: RunOutcome; reason?: IgnoredReason } = {},
  ): AsyncGenerator<RunRecord[]> {
    if (!isUuid(runId)) return;
    const batchSize = options.batchSize ?? 1_000;
    const where = this.filters(runId, options);
    let lastSeq: number | undefined;
    for (;;) {
      const rows = await this.db
        .select()
        .from(runRecords)
        .where(lastSeq === undefined ? where : and(where, gt(runRecords.seq, lastSeq)))
        .orderBy(asc(runRecords.seq))
        .limit(batchSize);
      if (rows.length === 0) return;
      yield rows;
      lastSeq = rows.at(-1)?.seq;
      if (rows.length < batchSize) return;
    }
  }

  /** Records without a lead (ignored ones) of a run: how many. */
  async countWithoutLead(runId: string): Promise<number> {
    if (!isUuid(runId)) return 0;
    const [row] = await this.db
      .select({ n: count() })
      .from(runRecords)
      .where(and(this.filters(runId, {}), isNull(runRecords.leadId)));
    return row?.n ?? 0;
  }
}
