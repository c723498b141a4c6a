import { randomBytes } from 'node:crypto';
import { SecretBox } from '@leadsync/db';
import { connections } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { silentLogger, useTestDatabase } from '../testing/database.ts';
import { collect, factories } from '../testing/factories.ts';
import { type DoctorCheck, type DoctorDeps, doctor } from './doctor.ts';
import { prepareJobStore } from './migrate.ts';

const tdb = useTestDatabase();
const key = randomBytes(32);

function deps(overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    openDatabase: async () => ({ url: tdb.url, stop: async () => {} }),
    secretKey: async () => ({ key, source: 'LEADSYNC_SECRET_KEY' }),
    allowedHosts: ['127.0.0.1'],
    logger: silentLogger,
    ...overrides,
  };
}

const byName = (checks: DoctorCheck[], name: string) => checks.find((check) => check.name === name);

describe('leadsync doctor', () => {
  it('fails on a missing Agenda table and says how to create it', async () => {
    const out = collect();
    const result = await doctor(deps(), out);
    expect(result.ok).toBe(false);
    expect(byName(result.checks, 'database')?.status).toBe('ok');
    expect(byName(result.checks, 'migrations')?.status).toBe('ok');
    expect(byName(result.checks, 'job store')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/leadsync migrate/),
    });
    expect(out.text).toMatch(/✗ job store +Agenda table agenda_jobs missing/);
    expect(out.text).toContain('↳ fix: run `leadsync migrate`');
    expect(out.text).toMatch(/1 of \d+ checks failed\.\n$/);
  });

  it('passes every check once the job store exists and a connection’s key is accepted', async () => {
    await prepareJobStore(tdb.url, undefined);
    const f = factories(tdb.handle.db, new SecretBox(key));
    const { org } = await f.organization('Acme');
    await f.connection(org.id, {
      name: 'Good file',
      settings: { csv: 'email,first_name\nada@example.com,Ada\n' },
    });
    const out = collect();
    const result = await doctor(deps(), out);
    expect(result.checks.filter((check) => check.status !== 'ok')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(out.text).toMatch(
      /✓ connection "Good file" \(csv, Acme\) +key accepted by the source \(CSV file\)/,
    );
    expect(out.text).toMatch(/All \d+ checks passed\.\n$/);
  });

  it('names a connection whose settings the source refuses, and one that needs a new key', async () => {
    const f = factories(tdb.handle.db, new SecretBox(key));
    const { org } = await f.organization('Beta');
    await f.connection(org.id, { name: 'No emails', settings: { csv: 'name,city\nAda,London\n' } });
    const stale = await f.connection(org.id, { name: 'Stale' });
    await tdb.handle.db
      .update(connections)
      .set({ status: 'needs_new_key' })
      .where(eq(connections.id, stale.id));
    const result = await doctor(deps(), collect());
    expect(result.ok).toBe(false);
    expect(byName(result.checks, 'connection "No emails" (csv, Beta)')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/No column holds email addresses/),
    });
    expect(byName(result.checks, 'connection "Stale" (csv, Beta)')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/new account key/),
    });
    await tdb.handle.db.delete(connections).where(eq(connections.organizationId, org.id));
  });

  it('fails when the secret key cannot open the stored credentials', async () => {
    const out = collect();
    const result = await doctor(
      deps({ secretKey: async () => ({ key: randomBytes(32), source: 'test' }) }),
      out,
    );
    expect(result.ok).toBe(false);
    expect(byName(result.checks, 'credentials')).toMatchObject({ status: 'fail' });
    expect(byName(result.checks, 'connection "Good file" (csv, Acme)')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/sealed with another LEADSYNC_SECRET_KEY/),
    });
  });

  it('fails without any secret key when credentials are stored', async () => {
    const result = await doctor(deps({ secretKey: async () => undefined }), collect());
    expect(byName(result.checks, 'secret key')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/LEADSYNC_SECRET_KEY/),
    });
  });

  it('reports an unreachable database and skips what depends on it', async () => {
    const out = collect();
    const result = await doctor(
      deps({
        openDatabase: async () => ({ url: 'postgres://postgres@127.0.0.1:1/none', stop: async () => {} }),
      }),
      out,
    );
    expect(result.ok).toBe(false);
    expect(byName(result.checks, 'database')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/not reachable/),
    });
    expect(byName(result.checks, 'migrations')?.status).toBe('skip');
    expect(byName(result.checks, 'connections')?.status).toBe('skip');
    expect(out.text).toMatch(/^✗ database/);
  });
});
