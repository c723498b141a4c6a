import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { sourceRecords } from '../schema/source-records.ts';
import { isUuid } from './ids.ts';

/**
 * What the API reads of a sync's source records (the engine writes them through `@leadsync/db`'s run functions):
 * how many it tracks.
 */
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
}
