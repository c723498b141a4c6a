import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type SourceRecord, sourceRecords } from '../schema/source-records.ts';
import { isUuid } from './ids.ts';

export interface SeenSourceRecord {
  sourceId: string;
  leadId: string | null;
  email: string | null;
  contentHash: string | null;
  sourceModifiedAt: Date | null;
}

/** Per sync: which source record became which lead, when it was last seen, and its content hash. */
export class SourceRecordRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  /** Source records the sync tracks (not deleted at the source): what a full listing for deletions pages through. */
  async countLive(syncId: string): Promise<number> {
    if (!isUuid(syncId)) return 0;
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(sourceRecords)
      .where(
        and(
          eq(sourceRecords.organizationId, this.organizationId),
          eq(sourceRecords.syncId, syncId),
          isNull(sourceRecords.deletedAt),
        ),
      );
    return Number(row?.n ?? 0);
  }

  /** The known records among `sourceIds`, keyed by source id; one query. */
  async getMany(syncId: string, sourceIds: readonly string[]): Promise<Map<string, SourceRecord>> {
    const result = new Map<string, SourceRecord>();
    const ids = [...new Set(sourceIds)];
    if (ids.length === 0 || !isUuid(syncId)) return result;
    const rows = await this.db
      .select()
      .from(sourceRecords)
      .where(
        and(
          eq(sourceRecords.organizationId, this.organizationId),
          eq(sourceRecords.syncId, syncId),
          sql`${sourceRecords.sourceId} = any(${sql.param(ids)}::text[])`,
        ),
      );
    for (const row of rows) result.set(row.sourceId, row);
    return result;
  }

  /** Records the records a run saw (insert or update, one statement over `unnest`); clears `deleted_at`. */
  async upsertSeen(
    syncId: string,
    runId: string | null,
    records: readonly SeenSourceRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    const latest = new Map(records.map((r) => [r.sourceId, r]));
    const rows = [...latest.values()];
    // Timestamps travel as text: postgres.js has no serializer for timestamptz[] parameters.
    await this.db.execute(sql`
      INSERT INTO ${sourceRecords}
        (sync_id, source_id, organization_id, lead_id, email, content_hash, source_modified_at,
         last_seen_at, last_seen_run_id, deleted_at)
      SELECT ${syncId}::uuid, t.source_id, ${this.organizationId}::uuid, t.lead_id, t.email, t.content_hash,
             t.source_modified_at::timestamptz, now(), ${runId}::uuid, NULL
      FROM unnest(
        ${sql.param(rows.map((r) => r.sourceId))}::text[],
        ${sql.param(rows.map((r) => r.leadId))}::uuid[],
        ${sql.param(rows.map((r) => r.email))}::text[],
        ${sql.param(rows.map((r) => r.contentHash))}::text[],
        ${sql.param(rows.map((r) => r.sourceModifiedAt?.toISOString() ?? null))}::text[]
      ) AS t(source_id, lead_id, email, content_hash, source_modified_at)
      ON CONFLICT (sync_id, source_id) DO UPDATE SET
        lead_id = excluded.lead_id,
        email = excluded.email,
        content_hash = excluded.content_hash,
        source_modified_at = excluded.source_modified_at,
        last_seen_at = excluded.last_seen_at,
        last_seen_run_id = excluded.last_seen_run_id,
        deleted_at = NULL`);
  }

  /** Marks records as seen by this run without changing them (unchanged records, or ids from a full id listing). */
  async touch(syncId: string, runId: string, sourceIds: readonly string[]): Promise<number> {
    if (sourceIds.length === 0 || !isUuid(syncId)) return 0;
    const rows = await this.db
      .update(sourceRecords)
      .set({ lastSeenAt: sql`now()`, lastSeenRunId: runId })
      .where(
        and(
          eq(sourceRecords.organizationId, this.organizationId),
          eq(sourceRecords.syncId, syncId),
          sql`${sourceRecords.sourceId} = any(${sql.param([...new Set(sourceIds)])}::text[])`,
        ),
      )
      .returning({ sourceId: sourceRecords.sourceId });
    return rows.length;
  }

  /** Live records this run did not see: the source no longer has them (after a complete read). */
  async listNotSeenBy(syncId: string, runId: string): Promise<SourceRecord[]> {
    if (!isUuid(syncId) || !isUuid(runId)) return [];
    return this.db
      .select()
      .from(sourceRecords)
      .where(
        and(
          eq(sourceRecords.organizationId, this.organizationId),
          eq(sourceRecords.syncId, syncId),
          isNull(sourceRecords.deletedAt),
          sql`${sourceRecords.lastSeenRunId} is distinct from ${runId}::uuid`,
        ),
      )
      .orderBy(asc(sourceRecords.sourceId));
  }

  async markDeleted(syncId: string, sourceIds: readonly string[]): Promise<number> {
    if (sourceIds.length === 0 || !isUuid(syncId)) return 0;
    const rows = await this.db
      .update(sourceRecords)
      .set({ deletedAt: sql`now()` })
      .where(
        and(
          eq(sourceRecords.organizationId, this.organizationId),
          eq(sourceRecords.syncId, syncId),
          inArray(sourceRecords.sourceId, [...new Set(sourceIds)]),
          isNull(sourceRecords.deletedAt),
        ),
      )
      .returning({ sourceId: sourceRecords.sourceId });
    return rows.length;
  }
}
