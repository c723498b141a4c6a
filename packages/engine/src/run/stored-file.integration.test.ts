import { StoredFileRepository } from '@leadsync/db';
import { runRecords, syncRuns } from '@leadsync/db/schema';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertInvariants, createFixture, csv, type Fixture, totals } from '../testing/fixture.ts';

const HEADER = ['email', 'first_name', 'last_name'];

/** 6,000 rows with repeated emails across write units, role and invalid addresses, and two malformed lines. */
function rows(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < 6000; i++) {
    if (i % 97 === 0) out.push(['info@example.com', 'Role', `${i}`]);
    else if (i % 89 === 0) out.push([`broken${i}@`, 'Bad', `${i}`]);
    else if (i % 7 === 0) out.push([`person${Math.max(0, i - 1600)}@example.com`, 'Again', `${i}`]);
    else out.push([`person${i}@example.com`, 'P', `${i}`]);
  }
  return out;
}

describe('a CSV connection that names an uploaded file', () => {
  let f: Fixture;
  let text: string;
  beforeAll(async () => {
    f = await createFixture();
    // Two malformed lines far into the file: reported by line, the rest imported.
    const lines = csv(HEADER, rows()).split('\n');
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

  async function freshSync(settings: (orgId: string) => Promise<Record<string, unknown>>) {
    const org = await f.createOrganization(`org-${Math.random()}`);
    const list = await f.createList('List', org.id);
    const connection = await f.createConnection('csv', {}, await settings(org.id), org.id);
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
      organizationId: org.id,
    });
    return { org, list, sync };
  }

  async function outcome(orgId: string, listId: string, runId: string) {
    const records = await f.db
      .select({ seq: runRecords.seq, sourceId: runRecords.sourceId, outcome: runRecords.outcome })
      .from(runRecords)
      .where(eq(runRecords.runId, runId))
      .orderBy(asc(runRecords.seq));
    return { leads: await f.leadsByEmail(orgId), list: await f.listEmails(listId), records };
  }

  let reference: { totals: ReturnType<typeof totals>; state: Awaited<ReturnType<typeof outcome>> };

  beforeAll(async () => {
    // The reference: the same text inline, in settings.csv.
    const { org, list, sync } = await freshSync(async () => ({ csv: text }));
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(run.status).toBe('succeeded');
    assertInvariants(run);
    reference = { totals: totals(run), state: await outcome(org.id, list.id, run.id) };
    expect(reference.totals.ignoredBreakdown.fileDuplicate).toBeGreaterThan(0);
  });

  it('imports the stored file exactly as the same text in settings.csv', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(run.status).toBe('succeeded');
    expect(totals(run)).toEqual(reference.totals);
    expect(run.readCount).toBe(6000);
    expect(await outcome(org.id, list.id, run.id)).toEqual(reference.state);
  });

  it('keeps the malformed lines far into the file on the run: counted, each with its line, the rest imported', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    const queued = await f.engine.queueRun(org.id, sync.id, { trigger: 'manual' });
    // Killed after the unit that read line 4002 committed, before line 5002: the resume must neither lose the first
    // rejection nor write it again.
    let units = 0;
    await expect(
      f.engine.executeRun(queued.id, {
        heartbeat: async () => {
          units++;
          if (units === 5) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const [midway] = await f.db.select().from(syncRuns).where(eq(syncRuns.id, queued.id));
    expect(midway?.rejectedCount).toBe(1);
    const run = await f.engine.executeRun(queued.id);
    expect(run.status).toBe('succeeded');
    expect(run.rejectedCount).toBe(2);
    expect(run.rejections).toHaveLength(2);
    expect(run.rejections[0]).toMatch(/^The row on line 4002 is not valid CSV: /);
    expect(run.rejections[1]).toBe('The row on line 5002 has 4 values but the header has 3 columns.');
    // The reasons name the line, never the row's content.
    expect(run.rejections.join(' ')).not.toContain('odd@example.com');
    // The rest was imported exactly as without the kill.
    expect(totals(run)).toEqual(reference.totals);
    expect(await outcome(org.id, list.id, run.id)).toEqual(reference.state);
  });

  it('resumes a run killed mid-file at its checkpoint to exact totals, records and leads', async () => {
    const { org, list, sync } = await freshSync(async (orgId) => ({ fileId: await upload(orgId, text) }));
    const queued = await f.engine.queueRun(org.id, sync.id, { trigger: 'manual' });
    let units = 0;
    await expect(
      f.engine.executeRun(queued.id, {
        heartbeat: async () => {
          units++;
          if (units === 3) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const [midway] = await f.db.select().from(syncRuns).where(eq(syncRuns.id, queued.id));
    const offset = (midway?.checkpoint as { source?: { offset?: number } } | undefined)?.source?.offset ?? 0;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(Buffer.byteLength(text));
    const done = await f.engine.executeRun(queued.id);
    expect(done.status).toBe('succeeded');
    expect(totals(done)).toEqual(reference.totals);
    expect(await outcome(org.id, list.id, done.id)).toEqual(reference.state);
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
