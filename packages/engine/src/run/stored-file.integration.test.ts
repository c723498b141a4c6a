import { StoredFileRepository } from '@leadsync/db';
import { syncRuns } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, csv, type Fixture } from '../testing/fixture.ts';
import { killedRun, peopleRows, runResult } from '../testing/resume.ts';
import { csvSource } from '../testing/sources.ts';

describe('a CSV connection that names an uploaded file', () => {
  let f: Fixture;
  let text: string;
  beforeAll(async () => {
    f = await createFixture();
    // Two malformed lines far into the file: reported by line, the rest imported.
    // 6,000 rows: six write units.
    const lines = csv(['email', 'first_name', 'last_name'], peopleRows(6000, 1600)).split('\n');
    lines[4001] = 'odd@example.com,"Quote"d,X';
    lines[5001] = `${lines[5001]},surplus`;
    text = `${lines.join('\n')}\n`;
  });
  afterAll(async () => {
    await f?.close();
  });

  /** Stores the text as an uploaded file, in appends of 100 KB, as the upload endpoint does. */
  async function upload(organizationId: string, content: string): Promise<string> {
    const files = new StoredFileRepository(f.db, organizationId);
    const bytes = Buffer.from(content);
    const file = await files.create({ name: 'people.csv', size: bytes.length });
    for (let at = 0; at < bytes.length; at += 100_000) {
      const result = await files.append(file.id, at, bytes.subarray(at, at + 100_000));
      expect(result.appended).toBe(true);
    }
    await files.complete(file.id, 'not-checked-here');
    return file.id;
  }

  async function freshSync(settings: (orgId: string) => Promise<{ csv: string } | { fileId: string }>) {
    const org = await f.createOrganization(`org-${Math.random()}`);
    const { list, sync } = await f.createSyncOver(csvSource(await settings(org.id)), {
      organizationId: org.id,
    });
    return { org, list, sync };
  }

  let reference: Awaited<ReturnType<typeof runResult>>;

  beforeAll(async () => {
    // The reference: the same text inline, in settings.csv.
    const { org, list, sync } = await freshSync(async () => ({ csv: text }));
    reference = await runResult(f, await f.run(sync.id, { organizationId: org.id }), list.id);
    expect(reference.status).toBe('succeeded');
    expect(reference.totals.ignoredBreakdown.fileDuplicate).toBeGreaterThan(0);
  });

  it('imports the stored file exactly as the same text in settings.csv', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(await runResult(f, run, list.id)).toEqual(reference);
    expect(run.readCount).toBe(6000);
  });

  it('keeps the malformed lines far into the file on the run: counted, each with its line, the rest imported', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    // Killed after the unit that read line 4002 committed, before line 5002: the resume must neither lose the first
    // rejection nor write it again.
    const runId = await killedRun(f, org.id, sync.id, 5);
    const [midway] = await f.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
    expect(midway?.rejectedCount).toBe(1);
    const run = await f.engine.executeRun(runId);
    expect(run.rejectedCount).toBe(2);
    expect(run.rejections).toHaveLength(2);
    expect(run.rejections[0]).toMatch(/^The row on line 4002 is not valid CSV: /);
    expect(run.rejections[1]).toBe('The row on line 5002 has 4 values but the header has 3 columns.');
    // The reasons name the line, never the row's content.
    expect(run.rejections.join(' ')).not.toContain('odd@example.com');
    // The rest was imported exactly as without the kill.
    expect(await runResult(f, run, list.id)).toEqual(reference);
  });

  it('resumes a run killed mid-file at its checkpoint to exact totals, records and leads', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    const runId = await killedRun(f, org.id, sync.id, 3);
    const [midway] = await f.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
    const offset = (midway?.checkpoint as { source?: { offset?: number } } | undefined)?.source?.offset ?? 0;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(Buffer.byteLength(text));
    const done = await f.engine.executeRun(runId);
    expect(await runResult(f, done, list.id)).toEqual(reference);
    // The rejections were written with the units that read them: none lost, none repeated by the resume.
    expect(done.rejectedCount).toBe(2);
    expect(done.rejections.map((r) => r.match(/line (\d+)/)?.[1])).toEqual(['4002', '5002']);
  });

  it('fails the run with a sentence when the stored file is gone', async () => {
    const { org, sync } = await freshSync(async () => ({ fileId: '00000000-0000-4000-8000-000000000001' }));
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/uploaded file .* was not found/);
  });
});
