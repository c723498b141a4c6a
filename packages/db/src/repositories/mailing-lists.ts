import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { leads } from '../schema/leads.ts';
import { listMemberships, type MailingList, mailingLists } from '../schema/mailing-lists.ts';
import { isUniqueViolation } from './errors.ts';
import { isUuid, onlyUuids } from './ids.ts';
import { preparedRows } from './prepared.ts';
import { takeLeadWriteTurn } from './write-turns.ts';

export interface MailingListWithCount extends MailingList {
  /** Leads on the list (any status; deleting a lead takes it off its lists). */
  leadCount: number;
}

/** A list with this name (case-insensitively) already exists in the organization. */
export class DuplicateMailingListError extends Error {
  override readonly name = 'DuplicateMailingListError';
  constructor(readonly listName: string) {
    super(`A mailing list named "${listName}" already exists`);
  }
}

const leadCount = sql<number>`(
  select count(*)::int from ${listMemberships} where ${listMemberships.mailingListId} = ${mailingLists.id}
)`;

export class MailingListRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  async create(name: string): Promise<MailingListWithCount> {
    try {
      const [row] = await this.db
        .insert(mailingLists)
        .values({ organizationId: this.organizationId, name: name.trim() })
        .returning();
      if (!row) throw new Error('insert returned no mailing list');
      return { ...row, leadCount: 0 };
    } catch (error) {
      if (isUniqueViolation(error, 'mailing_lists_organization_name_idx'))
        throw new DuplicateMailingListError(name);
      throw error;
    }
  }

  /** Every list with its lead count, by name; one query. */
  async list(): Promise<MailingListWithCount[]> {
    return this.db
      .select({ ...columns(), leadCount })
      .from(mailingLists)
      .where(eq(mailingLists.organizationId, this.organizationId))
      .orderBy(asc(sql`lower(${mailingLists.name})`), asc(mailingLists.id));
  }

  async get(id: string): Promise<MailingListWithCount | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .select({ ...columns(), leadCount })
      .from(mailingLists)
      .where(and(eq(mailingLists.organizationId, this.organizationId), eq(mailingLists.id, id)));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<MailingListWithCount[]> {
    const wanted = onlyUuids(ids);
    if (wanted.length === 0) return [];
    const statement = preparedRows(this.db, 'mailing_lists_get_many', (db) =>
      db
        .select({ ...columns(), leadCount })
        .from(mailingLists)
        .where(
          and(
            eq(mailingLists.organizationId, sql.placeholder('organizationId')),
            sql`${mailingLists.id} = any(${sql.placeholder('ids')}::uuid[])`,
          ),
        )
        .prepare('mailing_lists_get_many'),
    );
    return statement.execute({ organizationId: this.organizationId, ids: wanted });
  }

  async getByName(name: string): Promise<MailingListWithCount | undefined> {
    const [row] = await this.db
      .select({ ...columns(), leadCount })
      .from(mailingLists)
      .where(
        and(
          eq(mailingLists.organizationId, this.organizationId),
          sql`lower(${mailingLists.name}) = lower(${name.trim()})`,
        ),
      );
    return row;
  }

  /**
   * Puts leads of this organization on the list (already there: unchanged); returns how many were added.
   * Leads of another organization are skipped: the list's and the lead's organization must both be this one.
   * For a sync (`addedBySyncId`), bounced and do-not-mail leads are skipped too: only a person's explicit action
   * puts a suppressed lead on a list.
   */
  async addLeads(
    mailingListId: string,
    leadIds: readonly string[],
    addedBySyncId?: string | null,
  ): Promise<number> {
    const ids = onlyUuids(leadIds);
    if (ids.length === 0 || !isUuid(mailingListId)) return 0;
    const rows = await this.db.transaction(async (tx) => {
      await tx.execute(takeLeadWriteTurn(this.organizationId));
      return tx.execute<{ n: number }>(sql`
      WITH added AS (
        INSERT INTO ${listMemberships} (mailing_list_id, lead_id, organization_id, added_by_sync_id)
        SELECT l.id, ld.id, l.organization_id, ${addedBySyncId ?? null}::uuid
        FROM ${mailingLists} l
        JOIN ${leads} ld ON ld.organization_id = l.organization_id AND ld.id = any(${sql.param(ids)}::uuid[])
        WHERE l.id = ${mailingListId} AND l.organization_id = ${this.organizationId}
          AND (${addedBySyncId ?? null}::uuid IS NULL OR ld.status NOT IN ('bounced', 'do_not_mail'))
        ON CONFLICT DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM added`);
    });
    return rows[0]?.n ?? 0;
  }

  /** Takes leads off the list; returns how many were on it. */
  async removeLeads(mailingListId: string, leadIds: readonly string[]): Promise<number> {
    const ids = onlyUuids(leadIds);
    if (ids.length === 0 || !isUuid(mailingListId)) return 0;
    const rows = await this.db.transaction(async (tx) => {
      await tx.execute(takeLeadWriteTurn(this.organizationId));
      return tx
        .delete(listMemberships)
        .where(
          and(
            eq(listMemberships.organizationId, this.organizationId),
            eq(listMemberships.mailingListId, mailingListId),
            inArray(listMemberships.leadId, ids),
          ),
        )
        .returning({ leadId: listMemberships.leadId });
    });
    return rows.length;
  }
}

function columns() {
  return {
    id: mailingLists.id,
    organizationId: mailingLists.organizationId,
    name: mailingLists.name,
    createdAt: mailingLists.createdAt,
  };
}
