import { and, asc, count, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
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

/** Rows per INSERT statement (10 array parameters, whatever the size). */
const INSERT_CHUNK = 10_000;

function textOrNull(value: string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

export class RunRecordRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  /** Appends records of a run, set-based (one INSERT … SELECT FROM unnest per 10,000); returns how many were written. */
  async insertMany(runId: string, records: readonly RunRecordInput[]): Promise<number> {
    let written = 0;
    for (let start = 0; start < records.length; start += INSERT_CHUNK) {
      const chunk = records.slice(start, start + INSERT_CHUNK);
      // Every column travels as text[]: postgres.js cannot serialize arrays of enums, integers or jsonb.
      const column = (pick: (record: RunRecordInput) => string | number | null | undefined) =>
        sql`${sql.param(chunk.map((record) => textOrNull(pick(record))))}::text[]`;
      const rows = await this.db.execute<{ n: number }>(sql`
        WITH inserted AS (
          INSERT INTO ${runRecords} (run_id, organization_id, seq, source_id, email, lead_id, outcome, reason,
                                     suggestion, previous)
          SELECT ${runId}::uuid, ${this.organizationId}::uuid, u.seq::integer, u.source_id, u.email, u.lead_id::uuid,
                 u.outcome::run_outcome, u.reason::ignored_reason, u.suggestion, u.previous::jsonb
          FROM unnest(${column((r) => r.seq)}, ${column((r) => r.sourceId)}, ${column((r) => r.email)},
                      ${column((r) => r.leadId)}, ${column((r) => r.outcome)}, ${column((r) => r.reason)},
                      ${column((r) => r.suggestion)}, ${column((r) => (r.previous ? JSON.stringify(r.previous) : null))})
               AS u(seq, source_id, email, lead_id, outcome, reason, suggestion, previous)
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM inserted`);
      written += rows[0]?.n ?? 0;
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
