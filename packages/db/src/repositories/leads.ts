import { and, asc, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../client.ts';
import { leadEvents } from '../schema/lead-events.ts';
import { type Lead, type LeadStatus, leads } from '../schema/leads.ts';
import { listMemberships, mailingLists } from '../schema/mailing-lists.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from './cursor.ts';
import { isUuid, onlyUuids } from './ids.ts';
import { takeLeadWriteTurn } from './write-turns.ts';

/** Lowercased and trimmed: how emails are compared. Full normalization (punycode, syntax) is `@leadsync/core`'s. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The text that lead search matches, identical to the expression of the `leads_search_trgm_idx` trigram index
 * (migration 0001) so that PostgreSQL can use it.
 */
export const leadSearchText = sql`lower(${leads.email} || ' ' || coalesce(${leads.firstName}, '') || ' ' || coalesce(${leads.lastName}, ''))`;

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface LeadStatusEntry {
  id: string;
  email: string;
  status: LeadStatus;
}

export interface LeadSearch extends PageArgs {
  /** Substring of the email, first or last name, case-insensitive. */
  search?: string | null;
  status?: LeadStatus | readonly LeadStatus[] | null;
  mailingListId?: string | null;
}

const leadCursor = z.object({ e: z.string(), i: z.string() });

/** Marks applied by `setStatusByEmails`. `deleted` goes through `deleteByEmails` (it also empties lists). */
export type MarkableStatus = Extract<LeadStatus, 'bounced' | 'do_not_mail' | 'active'>;

export class LeadRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private uniqueKeys(emails: readonly string[]): string[] {
    return [...new Set(emails.map(emailKey).filter((e) => e.length > 0))];
  }

  async get(id: string): Promise<Lead | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .select()
      .from(leads)
      .where(and(eq(leads.organizationId, this.organizationId), eq(leads.id, id)));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<Lead[]> {
    const wanted = onlyUuids(ids);
    if (wanted.length === 0) return [];
    return this.db
      .select()
      .from(leads)
      .where(and(eq(leads.organizationId, this.organizationId), inArray(leads.id, wanted)));
  }

  async getByEmail(email: string): Promise<Lead | undefined> {
    const [row] = await this.db
      .select()
      .from(leads)
      .where(
        and(eq(leads.organizationId, this.organizationId), sql`lower(${leads.email}) = ${emailKey(email)}`),
      );
    return row;
  }

  /** Status (and id) of every existing lead among `emails`, keyed by lowercased email; one query. */
  async statusesByEmail(emails: readonly string[]): Promise<Map<string, LeadStatusEntry>> {
    const keys = this.uniqueKeys(emails);
    const result = new Map<string, LeadStatusEntry>();
    if (keys.length === 0) return result;
    const rows = await this.db
      .select({ id: leads.id, email: leads.email, status: leads.status })
      .from(leads)
      .where(
        and(
          eq(leads.organizationId, this.organizationId),
          sql`lower(${leads.email}) = any(${sql.param(keys)}::text[])`,
        ),
      );
    for (const row of rows) result.set(emailKey(row.email), row);
    return result;
  }

  /** Leads in email order, filtered; keyset pagination on (email, id). */
  async search(args: LeadSearch = {}): Promise<Page<Lead>> {
    const limit = pageSize(args.first, 50);
    const filters: SQL[] = [eq(leads.organizationId, this.organizationId)];
    const text = args.search?.trim();
    if (text) filters.push(sql`${leadSearchText} like ${likePattern(text)}`);
    if (args.status) {
      const statuses = typeof args.status === 'string' ? [args.status] : [...args.status];
      filters.push(inArray(leads.status, statuses));
    }
    if (args.mailingListId) {
      if (!isUuid(args.mailingListId)) return toPage([], limit, 0, () => '');
      filters.push(sql`exists (
        select 1 from ${listMemberships}
        where ${listMemberships.mailingListId} = ${args.mailingListId}
          and ${listMemberships.organizationId} = ${this.organizationId}
          and ${listMemberships.leadId} = ${leads.id})`);
    }
    const where = and(...filters);
    const after = args.after ? decodeCursor(args.after, leadCursor) : undefined;
    const emailOrder = sql`lower(${leads.email})`;
    const pageWhere = after
      ? and(where, sql`(${emailOrder}, ${leads.id}) > (${after.e}, ${after.i}::uuid)`)
      : where;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(leads)
        .where(pageWhere)
        .orderBy(asc(emailOrder), asc(leads.id))
        .limit(limit + 1),
      this.db.select({ n: count() }).from(leads).where(where),
    ]);
    return toPage(rows, limit, total?.n ?? 0, (lead) =>
      encodeCursor({ e: emailKey(lead.email), i: lead.id }),
    );
  }

  /**
   * Sets `status` on the leads with these emails (case-insensitive) and returns how many changed. With
   * `createMissing`, emails without a lead become leads in that status, so a later import ignores them
   * (a suppression list); callers must pass normalized, valid emails then. Each change is a `status_changed` event
   * of the lead's timeline (lead_events), by `options.by`, in the same transaction.
   */
  async setStatusByEmails(
    emails: readonly string[],
    status: MarkableStatus,
    options: { createMissing?: boolean; by?: LeadChangeActor } = {},
  ): Promise<number> {
    const keys = this.uniqueKeys(emails);
    if (keys.length === 0) return 0;
    const by = actorColumns(options.by);
    // A turn like the engine's: an import running beside this sees the change before it writes.
    return this.db.transaction(async (tx) => {
      await tx.execute(takeLeadWriteTurn(this.organizationId));
      const [changed] = await tx.execute<{ n: number }>(sql`
        WITH matched AS (
          SELECT id, email, status FROM ${leads}
          WHERE organization_id = ${this.organizationId} AND lower(email) = any(${sql.param(keys)}::text[])
            AND status <> ${status}::lead_status
        ), changed AS (
          UPDATE ${leads} SET status = ${status}::lead_status, status_changed_at = now(), updated_at = now()
          FROM matched WHERE ${leads}.id = matched.id
          RETURNING ${leads}.id
        ), events AS (
          INSERT INTO ${leadEvents} (organization_id, email, lead_id, kind, from_status, to_status, api_key_id,
                                     api_key_name)
          SELECT ${this.organizationId}, lower(m.email), m.id, 'status_changed', m.status, ${status}::lead_status,
                 ${by.id}::uuid, ${by.name}
          FROM matched m
        )
        SELECT count(*)::int AS n FROM changed`);
      if (!options.createMissing) return changed?.n ?? 0;
      const [created] = await tx.execute<{ n: number }>(sql`
        WITH created AS (
          INSERT INTO ${leads} (organization_id, email, status)
          SELECT ${this.organizationId}, k.email, ${status}::lead_status FROM unnest(${sql.param(keys)}::text[]) AS k(email)
          ON CONFLICT DO NOTHING
          RETURNING id, email
        ), events AS (
          INSERT INTO ${leadEvents} (organization_id, email, lead_id, kind, to_status, api_key_id, api_key_name)
          SELECT ${this.organizationId}, lower(c.email), c.id, 'status_changed', ${status}::lead_status,
                 ${by.id}::uuid, ${by.name}
          FROM created c
        )
        SELECT count(*)::int AS n FROM created`);
      return (changed?.n ?? 0) + (created?.n ?? 0);
    });
  }

  markBounced(
    emails: readonly string[],
    options?: { createMissing?: boolean; by?: LeadChangeActor },
  ): Promise<number> {
    return this.setStatusByEmails(emails, 'bounced', options);
  }

  markDoNotMail(
    emails: readonly string[],
    options?: { createMissing?: boolean; by?: LeadChangeActor },
  ): Promise<number> {
    return this.setStatusByEmails(emails, 'do_not_mail', options);
  }

  /**
   * Soft-deletes the leads with these emails and takes them off every list, in one statement; returns how many.
   * The status change and each membership removed are events of the lead's timeline, by `options.by`.
   */
  async deleteByEmails(emails: readonly string[], options: { by?: LeadChangeActor } = {}): Promise<number> {
    const keys = this.uniqueKeys(emails);
    if (keys.length === 0) return 0;
    const by = actorColumns(options.by);
    const rows = await this.db.transaction(async (tx) => {
      await tx.execute(takeLeadWriteTurn(this.organizationId));
      return tx.execute<{ n: number }>(sql`
      WITH matched AS (
        SELECT id, email, status FROM ${leads}
        WHERE organization_id = ${this.organizationId} AND lower(email) = any(${sql.param(keys)}::text[])
      ), deleted AS (
        UPDATE ${leads} SET status = 'deleted', status_changed_at = now(), updated_at = now()
        FROM matched
        WHERE ${leads}.id = matched.id AND matched.status <> 'deleted'
        RETURNING ${leads}.id
      ), unlisted AS (
        DELETE FROM ${listMemberships}
        WHERE organization_id = ${this.organizationId} AND lead_id IN (SELECT id FROM matched)
        RETURNING lead_id, mailing_list_id
      ), status_events AS (
        INSERT INTO ${leadEvents} (organization_id, email, lead_id, kind, from_status, to_status, api_key_id,
                                   api_key_name)
        SELECT ${this.organizationId}, lower(m.email), m.id, 'status_changed', m.status, 'deleted',
               ${by.id}::uuid, ${by.name}
        FROM matched m WHERE m.status <> 'deleted'
      ), membership_events AS (
        INSERT INTO ${leadEvents} (organization_id, email, lead_id, kind, mailing_list_id, mailing_list_name,
                                   api_key_id, api_key_name)
        SELECT ${this.organizationId}, lower(m.email), m.id, 'membership_removed', u.mailing_list_id, l.name,
               ${by.id}::uuid, ${by.name}
        FROM unlisted u JOIN matched m ON m.id = u.lead_id
        LEFT JOIN ${mailingLists} l ON l.id = u.mailing_list_id
      )
      SELECT count(*)::int AS n FROM deleted`);
    });
    return rows[0]?.n ?? 0;
  }
}

/** Who changed leads, as the timeline names them: an API key (a person in the console signs in with one). */
export interface LeadChangeActor {
  apiKeyId: string;
  apiKeyName: string;
}

function actorColumns(by: LeadChangeActor | undefined): { id: string | null; name: string | null } {
  return { id: by?.apiKeyId ?? null, name: by?.apiKeyName ?? null };
}
