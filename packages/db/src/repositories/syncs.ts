import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type NewSync, type Sync, syncs } from '../schema/syncs.ts';
import { retryOnDeadlock } from './errors.ts';
import { isUuid, onlyUuids } from './ids.ts';
import { preparedRows, projection } from './prepared.ts';

/** `createdAt` may be given, so that a default measured from the creation (the retrieval window) matches it. */
export type CreateSyncInput = Omit<
  NewSync,
  'id' | 'organizationId' | 'status' | 'inactiveReason' | 'highWaterMark' | 'rereadRequestedAt' | 'updatedAt'
>;

/** What may change after creation: not the import mode, the connection or the source organization. */
export type UpdateSyncInput = Partial<
  Pick<
    Sync,
    | 'name'
    | 'criteria'
    | 'mailingListId'
    | 'fieldMapping'
    | 'schedule'
    | 'retrieveFrom'
    | 'updatePolicy'
    | 'deletionGuardPercent'
    | 'deletionsConfirmedAt'
    | 'deletionCheckHours'
    | 'activeRecordsOnly'
    | 'highWaterMark'
    | 'setupStep'
    | 'nextRunAt'
  >
> & {
  /**
   * The next run reads the whole retrieval window again: the high-water mark is cleared and `rereadRequestedAt`
   * set to the database's now, which the engine compares with a run's start.
   */
  reread?: boolean;
};

export class SyncRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private scoped(id: string) {
    return and(eq(syncs.organizationId, this.organizationId), eq(syncs.id, id));
  }

  /** A new sync in `draft`. A connection or mailing list of another organization is refused by a foreign key. */
  async create(input: CreateSyncInput): Promise<Sync> {
    const [row] = await this.db
      .insert(syncs)
      .values({ ...input, organizationId: this.organizationId, status: 'draft' })
      .returning();
    if (!row) throw new Error('insert returned no sync');
    return row;
  }

  async get(id: string): Promise<Sync | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(syncs).where(this.scoped(id));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<Sync[]> {
    const wanted = onlyUuids(ids);
    if (wanted.length === 0) return [];
    return this.db
      .select()
      .from(syncs)
      .where(and(eq(syncs.organizationId, this.organizationId), inArray(syncs.id, wanted)));
  }

  /**
   * The organization's syncs, oldest first; given `columns`, only those (a list view's, issue 22): the other
   * properties of each row are absent.
   */
  async list(): Promise<Sync[]>;
  async list<K extends keyof Sync>(columns: readonly K[] | undefined): Promise<Pick<Sync, K>[]>;
  async list(columns?: readonly (keyof Sync)[]): Promise<Partial<Sync>[]> {
    const { key, fields } = projection(this.db, 'syncs_list', syncs, columns);
    const statement = preparedRows(this.db, key, (db) =>
      (fields ? db.select(fields) : db.select())
        .from(syncs)
        .where(eq(syncs.organizationId, sql.placeholder('organizationId')))
        .orderBy(asc(syncs.createdAt), asc(syncs.id))
        .prepare(key),
    );
    return statement.execute({ organizationId: this.organizationId });
  }

  async listByConnection(connectionId: string): Promise<Sync[]> {
    if (!isUuid(connectionId)) return [];
    return this.db
      .select()
      .from(syncs)
      .where(and(eq(syncs.organizationId, this.organizationId), eq(syncs.connectionId, connectionId)))
      .orderBy(asc(syncs.createdAt), asc(syncs.id));
  }

  async update(id: string, patch: UpdateSyncInput): Promise<Sync | undefined> {
    if (!isUuid(id)) return undefined;
    const { reread, ...values } = patch;
    const set = reread ? { ...values, highWaterMark: null, rereadRequestedAt: sql`now()` } : values;
    if (Object.keys(set).length === 0) return this.get(id);
    const [row] = await this.db.update(syncs).set(set).where(this.scoped(id)).returning();
    return row;
  }

  /** `active`, reason cleared; `nextRunAt` is the caller's (computed by `@leadsync/core`). */
  async activate(id: string, nextRunAt: Date | null = null): Promise<Sync | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .update(syncs)
      .set({ status: 'active', inactiveReason: null, nextRunAt, setupStep: null })
      .where(this.scoped(id))
      .returning();
    return row;
  }

  async deactivate(id: string, reason: string): Promise<Sync | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .update(syncs)
      .set({ status: 'inactive', inactiveReason: reason, nextRunAt: null })
      .where(this.scoped(id))
      .returning();
    return row;
  }

  /** Every `active` sync of the connection becomes `inactive` with `reason`; returns those syncs. */
  async deactivateAllOfConnection(connectionId: string, reason: string): Promise<Sync[]> {
    if (!isUuid(connectionId)) return [];
    return this.db
      .update(syncs)
      .set({ status: 'inactive', inactiveReason: reason, nextRunAt: null })
      .where(
        and(
          eq(syncs.organizationId, this.organizationId),
          eq(syncs.connectionId, connectionId),
          eq(syncs.status, 'active'),
        ),
      )
      .returning();
  }

  /**
   * Every `inactive` sync of the connection (only those deactivated for `onlyReason`, when given) becomes `active`;
   * returns those syncs, whose `nextRunAt` the caller then sets.
   */
  async activateAllOfConnection(
    connectionId: string,
    options: { onlyReason?: string } = {},
  ): Promise<Sync[]> {
    if (!isUuid(connectionId)) return [];
    return this.db
      .update(syncs)
      .set({ status: 'active', inactiveReason: null })
      .where(
        and(
          eq(syncs.organizationId, this.organizationId),
          eq(syncs.connectionId, connectionId),
          eq(syncs.status, 'inactive'),
          options.onlyReason ? eq(syncs.inactiveReason, options.onlyReason) : undefined,
        ),
      )
      .returning();
  }

  /** The next run time the job scheduler booked (null: none). */
  async setNextRunAt(id: string, next: Date | null): Promise<void> {
    if (!isUuid(id)) return;
    await this.db.update(syncs).set({ nextRunAt: next }).where(this.scoped(id));
  }

  /** Sets the next run time of several syncs at once (after `activateAllOfConnection`). */
  async setNextRunTimes(times: ReadonlyMap<string, Date | null>): Promise<void> {
    const ids = onlyUuids([...times.keys()]);
    if (ids.length === 0) return;
    const at = ids.map((id) => times.get(id)?.toISOString() ?? null);
    await this.db.execute(sql`
      UPDATE ${syncs} SET next_run_at = t.at::timestamptz, updated_at = now()
      FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(at)}::text[]) AS t(id, at)
      WHERE ${syncs}.id = t.id AND ${syncs}.organization_id = ${this.organizationId}`);
  }

  /**
   * Deletes the sync with its runs, run records and source records; list memberships stay. A run writing at the
   * same time holds its run's row and then asks for the sync's, which the delete holds while it waits for the run's:
   * PostgreSQL breaks that deadlock by rolling one back. When it is the delete (on the database, not in a
   * transaction of the caller's), the delete runs again; the run's own writes then fail on the deleted sync.
   */
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await retryOnDeadlock(this.db, () =>
      this.db.delete(syncs).where(this.scoped(id)).returning({ id: syncs.id }),
    );
    return rows.length > 0;
  }
}
