import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../schema/api-keys.ts';
import { useTestDatabase } from '../test-support.ts';
import { ApiKeyRepository, hashApiKey } from './api-keys.ts';
import { createOrganization, ensureDefaultOrganization } from './organizations.ts';

const t = useTestDatabase();

describe('API keys', () => {
  it('are found by their plain value, stored only as a SHA-256 hash, and listed masked', async () => {
    const org = await createOrganization(t.db, 'Keys');
    const repo = new ApiKeyRepository(t.db, org.id);

    const { apiKey, plainKey } = await repo.create({ name: 'CI', role: 'member' });

    const [stored] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(stored?.keyHash).toBe(hashApiKey(plainKey));
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await repo.list())).not.toContain(plainKey);
    expect((await repo.list())[0]?.masked).toBe(`${plainKey.slice(0, 12)}…`);
    expect(await ApiKeyRepository.findByPlainKey(t.db, plainKey)).toEqual({
      apiKeyId: apiKey.id,
      organizationId: org.id,
      role: 'member',
      name: 'CI',
    });
    expect(await ApiKeyRepository.findByPlainKey(t.db, `${plainKey}x`)).toBeUndefined();
  });

  it('record when they were last used', async () => {
    const org = await createOrganization(t.db, 'Used');
    const { apiKey, plainKey } = await new ApiKeyRepository(t.db, org.id).create({ name: 'x' });
    expect(apiKey.lastUsedAt).toBeNull();

    await ApiKeyRepository.findByPlainKey(t.db, plainKey);

    const [stored] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(stored?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('stop authenticating once revoked', async () => {
    const org = await createOrganization(t.db, 'Revoked');
    const repo = new ApiKeyRepository(t.db, org.id);
    const { apiKey, plainKey } = await repo.create({ name: 'old' });

    expect(await repo.revoke(apiKey.id)).toBe(true);
    expect(await repo.revoke(apiKey.id)).toBe(false);

    expect(await ApiKeyRepository.findByPlainKey(t.db, plainKey)).toBeUndefined();
  });

  it('cannot be revoked through another organization', async () => {
    const a = await createOrganization(t.db, 'A');
    const b = await createOrganization(t.db, 'B');
    const { apiKey, plainKey } = await new ApiKeyRepository(t.db, a.id).create({ name: 'a' });

    expect(await new ApiKeyRepository(t.db, b.id).revoke(apiKey.id)).toBe(false);
    expect(await new ApiKeyRepository(t.db, b.id).list()).toEqual([]);
    expect(await ApiKeyRepository.findByPlainKey(t.db, plainKey)).toBeDefined();
  });

  it('ensureAdminKey is idempotent for one value and never revives a revoked key', async () => {
    const org = await ensureDefaultOrganization(t.db, 'Default');
    const repo = new ApiKeyRepository(t.db, org.id);
    const plain = 'operator-chosen-admin-key-0001';

    const first = await repo.ensureAdminKey(plain);
    const second = await repo.ensureAdminKey(plain);
    expect(second.id).toBe(first.id);
    expect((await repo.list()).filter((k) => k.role === 'admin')).toHaveLength(1);

    expect(await ApiKeyRepository.findByPlainKey(t.db, plain)).toMatchObject({
      organizationId: org.id,
      role: 'admin',
    });
    await repo.revoke(first.id);
    const again = await repo.ensureAdminKey(plain);
    expect(again.id).toBe(first.id);
    expect(again.revokedAt).not.toBeNull();
    expect(await ApiKeyRepository.findByPlainKey(t.db, plain)).toBeUndefined();
  });

  it('ensureAdminKey refuses a value that is already another organization’s key', async () => {
    const owner = await createOrganization(t.db, 'Owner');
    const other = await createOrganization(t.db, 'Other');
    const plain = 'shared-secret-admin-key-0002';
    await new ApiKeyRepository(t.db, owner.id).ensureAdminKey(plain);

    await expect(new ApiKeyRepository(t.db, other.id).ensureAdminKey(plain)).rejects.toThrow(
      'already belongs to another organization',
    );
  });
});

describe('ensureDefaultOrganization', () => {
  it('creates the default organization once, even when called concurrently', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureDefaultOrganization(t.db, 'Default')));
    expect(new Set(results.map((o) => o.id)).size).toBe(1);
  });
});
