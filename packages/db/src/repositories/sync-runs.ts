import { and, count, desc, eq, inArray, max, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../client.ts';
import { type SyncRun, syncRuns } from '../schema/runs.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from './cursor.ts';
import { isUniqueViolation } from './errors.ts';
import { isUuid, onlyUuids } from './ids.ts';
import { preparedRows, projection } from './prepared.ts';

export type RunTrigger = 'schedule' | 'manual' | 'preview';

/** The counter columns of a run, as one object. */
export type RunCounters = Pick<
  SyncRun,
  | 'total'
  | 'newLeads'
  | 'reAdded'
  | 'duplicate'
  | 'ignored'
  | 'deleted'
  | 'bounced'
  | 'doNotMail'
  | 'groupEmail'
  | 'fileDuplicate'
  | 'emptyEmail'
  | 'invalidPattern'
  | 'readCount'
  | 'processedCount'
>;

export type UpdateRunInput = Partial<
  RunCounters &
    Pick<
      SyncRun,
      'status' | 'startedAt' | 'finishedAt' | 'error' | 'checkpoint' | 'highWaterMark' | 'undoneAt'
    >
>;

const runCursor = z.object({ c: z.string(), i: z.string() });

/** `created_at` to the microsecond (a JS Date keeps milliseconds only, too coarse for a keyset cursor). */
const exactCreatedAt = sql<string>`to_char(${syncRuns.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const ONE_ACTIVE_RUN = 'sync_runs_one_active_per_sync_idx';

export class SyncRunRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private scoped(id: string) {
    return and(eq(syncRuns.organizationId, this.organizationId), eq(syncRuns.id, id));
  }

  /** The sync's real (not dry) runs that meet `conditions`. */
  private realRunsOf(syncId: string, ...conditions: (SQL | undefined)[]) {
    return and(
      eq(syncRuns.organizationId, this.organizationId),
      eq(syncRuns.syncId, syncId),
      eq(syncRuns.dryRun, false),
      ...conditions,
    );
  }

  /**
   * Queues a run. A sync has at most one real (non-dry) run queued or running: when there is one already, it is
   * returned with `created: false` instead. Previews (dry runs) are never refused.
   */
  async createQueued(input: {
    syncId: string;
    trigger: RunTrigger;
    dryRun?: boolean;
  }): Promise<{ run: SyncRun; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const [run] = await this.db
          .insert(syncRuns)
          .values({
            organizationId: this.organizationId,
            syncId: input.syncId,
            trigger: input.trigger,
            dryRun: input.dryRun ?? input.trigger === 'preview',
            status: 'queued',
          })
          .returning();
        if (!run) throw new Error('insert returned no run');
        return { run, created: true };
      } catch (error) {
        if (!isUniqueViolation(error, ONE_ACTIVE_RUN)) throw error;
      }
      const active = await this.activeRealRun(input.syncId);
      // The active run may have finished in between: then try again.
      if (active) return { run: active, created: false };
    }
    throw new Error('Could not queue a run: another run keeps starting');
  }

  async get(id: string): Promise<SyncRun | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(syncRuns).where(this.scoped(id));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<SyncRun[]> {
    const wanted = onlyUuids(ids);
    if (wanted.length === 0) return [];
    return this.db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.organizationId, this.organizationId), inArray(syncRuns.id, wanted)));
  }

  /**
   * Runs of a sync, newest first; keyset pagination on (created_at, id). Given `columns`, only those and `id` (a list
   * view's): the other properties of each run are absent.
   */
  async listBySync(
    syncId: string,
    args: PageArgs & { includeDryRuns?: boolean; columns?: readonly (keyof SyncRun)[] | undefined } = {},
  ): Promise<Page<SyncRun>> {
    const limit = pageSize(args.first, 20);
    if (!isUuid(syncId)) return toPage([], limit, 0, () => '');
    const filters: SQL[] = [eq(syncRuns.organizationId, this.organizationId), eq(syncRuns.syncId, syncId)];
    if (!args.includeDryRuns) filters.push(eq(syncRuns.dryRun, false));
    const where = and(...filters);
    const after = args.after ? decodeCursor(args.after, runCursor) : undefined;
    const pageWhere = after
      ? and(where, sql`(${syncRuns.createdAt}, ${syncRuns.id}) < (${after.c}::timestamptz, ${after.i}::uuid)`)
      : where;
    // Given columns, the runs are objects of those only; typed as whole runs (the caller reads only what it named).
    const runColumns = args.columns
      ? (projection(this.db, 'sync_runs_by_sync', syncRuns, [...args.columns, 'id']).fields as
          | typeof syncRuns
          | undefined)
      : undefined;
    const [rows, [total]] = await Promise.all([
      this.db
        .select({ run: runColumns ?? syncRuns, exactCreatedAt })
        .from(syncRuns)
        .where(pageWhere)
        .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
        .limit(limit + 1),
      this.db.select({ n: count() }).from(syncRuns).where(where),
    ]);
    const page = toPage(rows, limit, total?.n ?? 0, (row) =>
      encodeCursor({ c: row.exactCreatedAt, i: row.run.id }),
    );
    return { ...page, edges: page.edges.map((edge) => ({ node: edge.node.run, cursor: edge.cursor })) };
  }

  /**
   * The newest run of each of these syncs, in one query (DISTINCT ON over the (sync_id, created_at) index) —
   * for a dataloader behind `Sync.lastRun`. Syncs without runs are absent from the map. Given `columns`, only those
   * and `syncId` (a list view's, issue 22): the other properties of each run are absent.
   */
  async latestBySyncIds(
    syncIds: readonly string[],
    options?: { includeDryRuns?: boolean },
  ): Promise<Map<string, SyncRun>>;
  async latestBySyncIds<K extends keyof SyncRun>(
    syncIds: readonly string[],
    options: { includeDryRuns?: boolean; columns: readonly K[] | undefined },
  ): Promise<Map<string, Pick<SyncRun, K | 'syncId'>>>;
  async latestBySyncIds(
    syncIds: readonly string[],
    options: { includeDryRuns?: boolean; columns?: readonly (keyof SyncRun)[] | undefined } = {},
  ): Promise<Map<string, Partial<SyncRun>>> {
    const ids = onlyUuids(syncIds);
    const result = new Map<string, Partial<SyncRun>>();
    if (ids.length === 0) return result;
    const name = options.includeDryRuns ? 'sync_runs_latest_with_dry' : 'sync_runs_latest';
    const columns = options.columns && [...options.columns, 'syncId' as const];
    const { key, fields } = projection(this.db, name, syncRuns, columns);
    const statement = preparedRows(this.db, key, (db) =>
      (fields ? db.selectDistinctOn([syncRuns.syncId], fields) : db.selectDistinctOn([syncRuns.syncId]))
        .from(syncRuns)
        .where(
          and(
            eq(syncRuns.organizationId, sql.placeholder('organizationId')),
            sql`${syncRuns.syncId} = any(${sql.placeholder('ids')}::uuid[])`,
            options.includeDryRuns ? undefined : eq(syncRuns.dryRun, false),
          ),
        )
        .orderBy(syncRuns.syncId, desc(syncRuns.createdAt), desc(syncRuns.id))
        .prepare(key),
    );
    const rows = (await statement.execute({
      organizationId: this.organizationId,
      ids,
    })) as Partial<SyncRun>[];
    for (const row of rows) result.set(row.syncId as string, row);
    return result;
  }

  /** The newest run of the sync that succeeded and was not undone (what undo and incremental reads start from). */
  async latestSucceeded(
    syncId: string,
    options: { includeUndone?: boolean } = {},
  ): Promise<SyncRun | undefined> {
    if (!isUuid(syncId)) return undefined;
    const [row] = await this.db
      .select()
      .from(syncRuns)
      .where(
        this.realRunsOf(
          syncId,
          eq(syncRuns.status, 'succeeded'),
          options.includeUndone ? undefined : sql`${syncRuns.undoneAt} is null`,
        ),
      )
      .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
      .limit(1);
    return row;
  }

  /** The sync's real run that is queued, running or waiting (at most one: `ONE_ACTIVE_RUN`). */
  async activeRealRun(syncId: string): Promise<SyncRun | undefined> {
    if (!isUuid(syncId)) return undefined;
    const [row] = await this.db
      .select()
      .from(syncRuns)
      .where(this.realRunsOf(syncId, inArray(syncRuns.status, ['queued', 'running', 'waiting'])))
      .limit(1);
    return row;
  }

  /** How far the run got: records read and processed (a progress bar's heartbeat). */
  async progress(id: string): Promise<{ read: number; processed: number } | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .select({ read: syncRuns.readCount, processed: syncRuns.processedCount })
      .from(syncRuns)
      .where(this.scoped(id));
    return row;
  }

  /** When the schedule last queued a real run of the sync (a ONCE schedule runs only once). */
  async lastScheduledAt(syncId: string): Promise<Date | null> {
    if (!isUuid(syncId)) return null;
    const [row] = await this.db
      .select({ at: max(syncRuns.createdAt) })
      .from(syncRuns)
      .where(this.realRunsOf(syncId, eq(syncRuns.trigger, 'schedule')));
    return row?.at ?? null;
  }

  async update(id: string, patch: UpdateRunInput): Promise<SyncRun | undefined> {
    if (!isUuid(id)) return undefined;
    if (Object.keys(patch).length === 0) return this.get(id);
    const [row] = await this.db.update(syncRuns).set(patch).where(this.scoped(id)).returning();
    return row;
  }
}
