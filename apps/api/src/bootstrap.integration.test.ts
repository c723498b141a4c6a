import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyRepository, createDatabase, type DatabaseHandle } from '@leadsync/db';
import { apiKeys, organizations } from '@leadsync/db/schema';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapOrganization } from './bootstrap.ts';

let testDb: TestDatabase;
let handle: DatabaseHandle;
const dirs: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  handle = createDatabase(testDb.url, { max: 2 });
});

afterAll(async () => {
  await handle.close();
  await testDb.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'leadsync-bootstrap-'));
  dirs.push(dir);
  return dir;
}

describe('bootstrap', () => {
  it('generates the admin key once, stores only its hash, and keeps it on the next start', async () => {
    const dataDir = await tempDir();
    const first = await bootstrapOrganization({ db: handle.db, dataDir });
    expect(first.generatedAdminKey).toMatch(/^lsk_/);
    const saved = (await readFile(first.adminKeyFile, 'utf8')).trim();
    expect(saved).toBe(first.generatedAdminKey);
    expect((await stat(first.adminKeyFile)).mode & 0o777).toBe(0o600);

    const stored = await handle.db.select().from(apiKeys);
    expect(stored.map((key) => key.keyHash)).toContain(sha256(saved));
    expect(JSON.stringify(stored)).not.toContain(saved);

    const second = await bootstrapOrganization({ db: handle.db, dataDir });
    expect(second.generatedAdminKey).toBeUndefined();
    expect(second.organizationId).toBe(first.organizationId);
    expect((await readFile(first.adminKeyFile, 'utf8')).trim()).toBe(saved);
    expect(await handle.db.select().from(organizations)).toHaveLength(1);
  });

  it('uses LEADSYNC_ADMIN_KEY as given, idempotently', async () => {
    const dataDir = await tempDir();
    const adminKey = 'an-operator-chosen-admin-key-0123456789';
    await bootstrapOrganization({ db: handle.db, dataDir, adminKey });
    const again = await bootstrapOrganization({ db: handle.db, dataDir, adminKey });
    expect(again.generatedAdminKey).toBeUndefined();
    const matching = (await handle.db.select().from(apiKeys)).filter(
      (key) => key.keyHash === sha256(adminKey),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]?.role).toBe('admin');
  });

  it('a LEADSYNC_ADMIN_KEY revoked through the API stays revoked on the next start', async () => {
    const dataDir = await tempDir();
    const adminKey = 'an-operator-key-that-leaked-0123456789';
    const first = await bootstrapOrganization({ db: handle.db, dataDir, adminKey });
    expect(await ApiKeyRepository.findByPlainKey(handle.db, adminKey)).toBeDefined();
    const keys = new ApiKeyRepository(handle.db, first.organizationId);
    const row = (await handle.db.select().from(apiKeys)).find((key) => key.keyHash === sha256(adminKey));
    expect(await keys.revoke(row!.id)).toBe(true);

    const restarted = await bootstrapOrganization({ db: handle.db, dataDir, adminKey });
    expect(await ApiKeyRepository.findByPlainKey(handle.db, adminKey)).toBeUndefined();
    expect(restarted.adminKeyRevoked).toBe(true);
    const matching = (await handle.db.select().from(apiKeys)).filter(
      (key) => key.keyHash === sha256(adminKey),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]?.revokedAt).not.toBeNull();
  });
});
