import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@leadsync/db';
import { apiKeys, organizations } from '@leadsync/db/schema';
import { and, eq, isNull } from 'drizzle-orm';

export interface BootstrapOptions {
  db: Database;
  dataDir: string;
  /** `LEADSYNC_ADMIN_KEY`: when set, the default organization's admin key is this value. */
  adminKey?: string;
}

export interface BootstrapResult {
  organizationId: string;
  adminKeyFile: string;
  /** Set only on the start that generated the key: it is printed once. */
  generatedAdminKey?: string;
}

export const DEFAULT_ORGANIZATION_NAME = 'My organization';

/** First start: the default organization and its admin key. Later starts: nothing changes. */
export async function bootstrapOrganization(options: BootstrapOptions): Promise<BootstrapResult> {
  const { db } = options;
  const adminKeyFile = join(options.dataDir, 'admin-key');
  const organizationId = await db.transaction(async (tx) => {
    // Any conflict here is the partial unique index on is_default: another process created it first.
    await tx
      .insert(organizations)
      .values({ name: DEFAULT_ORGANIZATION_NAME, isDefault: true })
      .onConflictDoNothing();
    const [row] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.isDefault, true));
    if (!row) throw new Error('The default organization could not be created');
    return row.id;
  });

  if (options.adminKey) {
    await storeAdminKey(db, organizationId, options.adminKey);
    return { organizationId, adminKeyFile };
  }
  if (existsSync(adminKeyFile) && (await hasAdminKey(db, organizationId))) {
    return { organizationId, adminKeyFile };
  }
  const generated = `lsk_${randomBytes(24).toString('base64url')}`;
  await storeAdminKey(db, organizationId, generated);
  await writeFile(adminKeyFile, `${generated}\n`, { mode: 0o600 });
  await chmod(adminKeyFile, 0o600);
  return { organizationId, adminKeyFile, generatedAdminKey: generated };
}

function hashKey(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

async function storeAdminKey(db: Database, organizationId: string, plain: string): Promise<void> {
  await db
    .insert(apiKeys)
    .values({
      organizationId,
      name: 'Admin key',
      keyHash: hashKey(plain),
      prefix: plain.slice(0, 8),
      role: 'admin',
    })
    .onConflictDoNothing({ target: apiKeys.keyHash });
}

async function hasAdminKey(db: Database, organizationId: string): Promise<boolean> {
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.role, 'admin'), isNull(apiKeys.revokedAt)),
    )
    .limit(1);
  return rows.length > 0;
}
