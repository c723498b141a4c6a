import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type Connection, type ConnectionStatus, connections } from '../schema/connections.ts';
import { syncs } from '../schema/syncs.ts';
import { retryOnDeadlock } from './errors.ts';
import { isUuid, onlyUuids } from './ids.ts';
import { preparedRows } from './prepared.ts';

export interface CreateConnectionInput {
  connectorId: string;
  name: string;
  /** From the secret box; this package never sees plain credentials. */
  credentialsEncrypted: string;
  settings?: Record<string, unknown>;
  maskedKey?: string | null;
  primaryEmail?: string | null;
}

export type UpdateConnectionInput = Partial<
  Pick<
    Connection,
    'name' | 'credentialsEncrypted' | 'settings' | 'maskedKey' | 'primaryEmail' | 'status' | 'statusReason'
  >
>;

/** Why every sync of a connection was deactivated (DESIGN.md §4). */
export const CREDENTIALS_CHANGED = 'credentials_changed';

export class ConnectionRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private scoped(id: string) {
    return and(eq(connections.organizationId, this.organizationId), eq(connections.id, id));
  }

  async create(input: CreateConnectionInput): Promise<Connection> {
    const [row] = await this.db
      .insert(connections)
      .values({ ...input, settings: input.settings ?? {}, organizationId: this.organizationId })
      .returning();
    if (!row) throw new Error('insert returned no connection');
    return row;
  }

  async get(id: string): Promise<Connection | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(connections).where(this.scoped(id));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<Connection[]> {
    const wanted = onlyUuids(ids);
    if (wanted.length === 0) return [];
    const statement = preparedRows(this.db, 'connections_get_many', (db) =>
      db
        .select()
        .from(connections)
        .where(
          and(
            eq(connections.organizationId, sql.placeholder('organizationId')),
            sql`${connections.id} = any(${sql.placeholder('ids')}::uuid[])`,
          ),
        )
        .prepare('connections_get_many'),
    );
    return statement.execute({ organizationId: this.organizationId, ids: wanted });
  }

  async list(options: { connectorId?: string } = {}): Promise<Connection[]> {
    return this.db
      .select()
      .from(connections)
      .where(
        and(
          eq(connections.organizationId, this.organizationId),
          options.connectorId ? eq(connections.connectorId, options.connectorId) : undefined,
        ),
      )
      .orderBy(asc(connections.createdAt), asc(connections.id));
  }

  async update(id: string, patch: UpdateConnectionInput): Promise<Connection | undefined> {
    if (!isUuid(id)) return undefined;
    if (Object.keys(patch).length === 0) return this.get(id);
    const [row] = await this.db.update(connections).set(patch).where(this.scoped(id)).returning();
    return row;
  }

  async setStatus(id: string, status: ConnectionStatus): Promise<Connection | undefined> {
    return this.update(id, { status });
  }

  /**
   * The account key was rejected by the source: the connection needs a new key and every one of its syncs
   * becomes `inactive` with reason `credentials_changed`, in one statement.
   */
  async markNeedsNewKey(id: string): Promise<Connection | undefined> {
    return this.changeAndDeactivateSyncs(id, { status: 'needs_new_key' });
  }

  /**
   * New credentials (already checked against the source): the connection is `active` again, and every one of its
   * syncs is `inactive` (`credentials_changed`) until activated, one by one or all at once; in one statement.
   */
  async replaceCredentials(
    id: string,
    input: Pick<CreateConnectionInput, 'credentialsEncrypted' | 'maskedKey' | 'primaryEmail'>,
  ): Promise<Connection | undefined> {
    return this.changeAndDeactivateSyncs(id, { ...input, status: 'active', statusReason: null });
  }

  private async changeAndDeactivateSyncs(
    id: string,
    patch: UpdateConnectionInput,
  ): Promise<Connection | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .with(
        this.db.$with('deactivated').as(
          this.db
            .update(syncs)
            .set({
              status: 'inactive',
              inactiveReason: CREDENTIALS_CHANGED,
              nextRunAt: null,
              updatedAt: sql`now()`,
            })
            .where(
              and(
                eq(syncs.organizationId, this.organizationId),
                eq(syncs.connectionId, id),
                eq(syncs.status, 'active'),
              ),
            )
            .returning({ id: syncs.id }),
        ),
      )
      .update(connections)
      .set(patch)
      .where(this.scoped(id))
      .returning();
    return row;
  }

  /**
   * Deletes the connection and, through the foreign key, its syncs and their runs. As SyncRepository.delete: when
   * PostgreSQL breaks a deadlock with a run writing at the same time by rolling the delete back, it runs again.
   */
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await retryOnDeadlock(this.db, () =>
      this.db.delete(connections).where(this.scoped(id)).returning({ id: connections.id }),
    );
    return rows.length > 0;
  }
}
