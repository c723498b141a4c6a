import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorRegistry } from '@leadsync/connectors';
import { StoredFileRepository } from '@leadsync/db';
import { connections } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../lookup.ts';
import { useEngineTestBed } from '../testing/database.ts';
import { collect } from '../testing/factories.ts';
import { uploadFile } from './file-upload.ts';

const bed = useEngineTestBed();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadsync-upload-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A semicolon-separated Windows-1252 export of `rows` people (over 1 MiB from 30,000 rows). */
function export1252(rows: number): Buffer {
  const lines = ['email;name;city'];
  for (let i = 0; i < rows; i++) lines.push(`p${i}@example.com;Jos\xe9 ${i};Z\xfcrich`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

describe('leadsync csv upload', () => {
  it('stores the file with its checksum, says what it detected, and points a connection at it', async () => {
    const { org } = await bed.f.organization('Upload Co');
    const old = await bed.f.connection(org.id, {
      settings: { csv: 'email\nada@example.com\n', delimiter: ';' },
    });
    const bytes = export1252(30_000);
    const path = join(dir, 'export.csv');
    await writeFile(path, bytes);
    const out = collect();
    const stored: number[] = [];
    const result = await uploadFile(
      { ...bed.deps(), progress: { start() {}, update: (n) => stored.push(n), stop() {} } },
      path,
      { connectorId: 'csv', connectionId: old.id },
      out,
    );
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(stored.at(-1)).toBe(bytes.length);
    expect(stored.length).toBeGreaterThan(1); // 1 MiB at a time
    expect(out.text).toContain(`sha256 ${result.sha256}`);
    expect(out.text).toContain('Detected: encoding Windows-1252');
    expect(out.text).toContain('delimiter Semicolon (;)');
    expect(out.text).toContain('Columns: email, name, city');
    expect(out.text).toMatch(/About [23]\d,\d{3} rows/); // estimated from the first rows
    const [updated] = await bed.handle.db.select().from(connections).where(eq(connections.id, old.id));
    expect(updated?.settings).toEqual({ delimiter: ';', fileId: result.fileId, fileName: 'export.csv' });
    const fields = await connectorRegistry.get('csv').fields(bed.engine.connectorContext(updated!));
    expect(fields.map((field) => field.key)).toEqual(['email', 'name', 'city']);
  });

  it('goes on with an upload that stopped, and refuses a file of another size', async () => {
    const { org } = await bed.f.organization('Resume Co');
    const bytes = export1252(40_000);
    const path = join(dir, 'resume.csv');
    await writeFile(path, bytes);
    const files = new StoredFileRepository(bed.handle.db, org.id);
    const started = await files.create({ name: 'resume.csv', size: bytes.length });
    await files.append(started.id, 0, bytes.subarray(0, 1_000_000));
    const result = await uploadFile(
      bed.deps(),
      path,
      { connectorId: 'csv', organizationId: org.id, resumeId: started.id },
      collect(),
    );
    expect(result.fileId).toBe(started.id);
    expect((await files.get(started.id))?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    const other = await files.create({ name: 'x.csv', size: 10 });
    await expect(
      uploadFile(
        bed.deps(),
        path,
        { connectorId: 'csv', organizationId: org.id, resumeId: other.id },
        collect(),
      ),
    ).rejects.toThrow(CliError);
  });

  it('refuses an empty file, a file over the limit and an organization that is not named', async () => {
    const { org } = await bed.f.organization('Limits Co');
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    await expect(
      uploadFile(bed.deps(), empty, { connectorId: 'csv', organizationId: org.id }, collect()),
    ).rejects.toThrow('The file is empty.');
    const small = join(dir, 'small.csv');
    await writeFile(small, 'email\nada@example.com\n');
    await expect(
      uploadFile(bed.deps(), small, { connectorId: 'csv', organizationId: org.id, maxBytes: 5 }, collect()),
    ).rejects.toThrow(/at most 5 are accepted/);
    await expect(uploadFile(bed.deps(), small, { connectorId: 'csv' }, collect())).rejects.toThrow(
      /several organizations/,
    );
    await expect(
      uploadFile(bed.deps(), small, { connectorId: 'zoho-invoice', organizationId: org.id }, collect()),
    ).rejects.toThrow(/does not take an uploaded file/);
  });
});
