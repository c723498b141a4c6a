import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiKeyRepository, type Database, ensureDefaultOrganization, generateApiKey } from '@leadsync/db';

export interface BootstrapOptions {
  db: Database;
  dataDir: string;
  /** `LEADSYNC_ADMIN_KEY`: when set, the default organization's admin key is this value. */
  adminKey?: string;
}

export interface BootstrapResult {
  organizationId: string;
  organizationName: string;
  adminKeyFile: string;
  /** Set only on the start that generated the key: it is printed once. */
  generatedAdminKey?: string;
  /** `LEADSYNC_ADMIN_KEY` names a key revoked through the API: it stays revoked, the operator must choose another. */
  adminKeyRevoked?: boolean;
}

export const DEFAULT_ORGANIZATION_NAME = 'My organization';

/**
 * First start: the default organization and its admin key. Later starts: nothing changes; a revoked key is never
 * revived (a `LEADSYNC_ADMIN_KEY` revoked through the API stays revoked, and is reported).
 */
export async function bootstrapOrganization(options: BootstrapOptions): Promise<BootstrapResult> {
  const organization = await ensureDefaultOrganization(options.db, DEFAULT_ORGANIZATION_NAME);
  const keys = new ApiKeyRepository(options.db, organization.id);
  const adminKeyFile = join(options.dataDir, 'admin-key');
  const result = { organizationId: organization.id, organizationName: organization.name, adminKeyFile };

  if (options.adminKey) {
    const key = await keys.ensureAdminKey(options.adminKey);
    return key.revokedAt ? { ...result, adminKeyRevoked: true } : result;
  }
  const hasActiveAdminKey = (await keys.list()).some((key) => key.role === 'admin' && !key.revokedAt);
  if (existsSync(adminKeyFile) && hasActiveAdminKey) return result;

  const generated = generateApiKey();
  await keys.ensureAdminKey(generated);
  await writeFile(adminKeyFile, `${generated}\n`, { mode: 0o600 });
  await chmod(adminKeyFile, 0o600);
  return { ...result, generatedAdminKey: generated };
}
