import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type Organization, organizations } from '../schema/organizations.ts';

export async function createOrganization(db: Executor, name: string): Promise<Organization> {
  const [row] = await db.insert(organizations).values({ name }).returning();
  if (!row) throw new Error('insert returned no organization');
  return row;
}

/** The organization that `pnpm start` works in: created on first call, the same row afterwards (race-safe). */
export async function ensureDefaultOrganization(db: Executor, name: string): Promise<Organization> {
  const [created] = await db
    .insert(organizations)
    .values({ name, isDefault: true })
    .onConflictDoNothing({ target: organizations.isDefault, where: sql`${organizations.isDefault}` })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(organizations).where(eq(organizations.isDefault, true));
  if (!existing) throw new Error('default organization vanished while being ensured');
  return existing;
}

export class OrganizationRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  async get(): Promise<Organization | undefined> {
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, this.organizationId));
    return row;
  }

  /** Run records older than `days` are pruned by the worker's daily job; returns the updated row. */
  async setRunRecordRetention(days: number): Promise<Organization | undefined> {
    const [row] = await this.db
      .update(organizations)
      .set({ runRecordRetentionDays: days })
      .where(eq(organizations.id, this.organizationId))
      .returning();
    return row;
  }

  async rename(name: string): Promise<Organization | undefined> {
    const [row] = await this.db
      .update(organizations)
      .set({ name })
      .where(eq(organizations.id, this.organizationId))
      .returning();
    return row;
  }
}
