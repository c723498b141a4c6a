import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../lookup.ts';
import { useTestDatabase } from '../testing/database.ts';
import { factories } from '../testing/factories.ts';
import { exportRunCsv, exportRunCsvToFile } from './export-run.ts';

const tdb = useTestDatabase();
let runId: string;
let dir: string;

const EXPECTED = [
  'source_id,email,outcome,reason,suggestion',
  'c1,ada@example.com,new,,',
  'c2,bob@example.com,duplicate,,',
  'c3,,ignored,empty_email,',
  'c4,"john,smith@gnail.com",ignored,invalid_pattern,john@gmail.com',
  '"line:5 ""quoted""",x@example.com,re_added,,',
  '"multi\nline",info@example.com,ignored,group_email,',
  'c7,old@example.com,deleted,,',
].map((line) => `${line}\r\n`);

/** A stream that accepts one chunk at a time, slowly, so the export has to wait for `drain`. */
function slowSink(delayMs = 1) {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      maxBuffered = Math.max(maxBuffered, stream.writableLength);
      setTimeout(done, delayMs);
    },
  });
  return {
    stream,
    /** Everything written, once the stream has processed it all. */
    async text() {
      stream.end();
      await finished(stream);
      return chunks.join('');
    },
    maxBuffered: () => maxBuffered,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadsync-cli-export-'));
  const f = factories(tdb.handle.db);
  const { org, list } = await f.organization();
  const connection = await f.connection(org.id);
  const sync = await f.sync({ organizationId: org.id, connectionId: connection.id, mailingListId: list.id });
  const run = await f.runWithRecords(org.id, sync.id, [
    { sourceId: 'c1', email: 'ada@example.com', outcome: 'new' },
    { sourceId: 'c2', email: 'bob@example.com', outcome: 'duplicate' },
    { sourceId: 'c3', email: null, outcome: 'ignored', reason: 'empty_email' },
    {
      sourceId: 'c4',
      email: 'john,smith@gnail.com',
      outcome: 'ignored',
      reason: 'invalid_pattern',
      suggestion: 'john@gmail.com',
    },
    { sourceId: 'line:5 "quoted"', email: 'x@example.com', outcome: 're_added' },
    { sourceId: 'multi\nline', email: 'info@example.com', outcome: 'ignored', reason: 'group_email' },
    { sourceId: 'c7', email: 'old@example.com', outcome: 'deleted' },
  ]);
  runId = run.id;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('leadsync export-run --csv', () => {
  it('writes a header and every record in source order, quoted as RFC 4180 says', async () => {
    const sink = slowSink();
    const count = await exportRunCsv(tdb.handle.db, runId, sink.stream);
    expect(count).toBe(7);
    expect(await sink.text()).toBe(EXPECTED.join(''));
  });

  it('reads the records a batch at a time and gives the same file for any batch size', async () => {
    for (const batchSize of [1, 2, 3, 1000]) {
      const sink = slowSink();
      await exportRunCsv(tdb.handle.db, runId, sink.stream, { batchSize });
      expect(await sink.text()).toBe(EXPECTED.join(''));
    }
  });

  it('waits for a slow reader instead of buffering the whole run', async () => {
    const f = factories(tdb.handle.db);
    const { org, list } = await f.organization('Big');
    const connection = await f.connection(org.id);
    const sync = await f.sync({
      organizationId: org.id,
      connectionId: connection.id,
      mailingListId: list.id,
    });
    const records = Array.from({ length: 5_000 }, (_, i) => ({
      sourceId: `contact-${i}`,
      email: `person${i}@example.com`,
      outcome: 'new' as const,
    }));
    const big = await f.runWithRecords(org.id, sync.id, records);
    const sink = slowSink(25);
    const count = await exportRunCsv(tdb.handle.db, big.id, sink.stream, { batchSize: 500 });
    expect(count).toBe(5_000);
    const text = await sink.text();
    expect(text.split('\r\n')).toHaveLength(5_002);
    // At most about one batch (~20 kB) waits in the stream at any time, not the whole run (~200 kB).
    expect(text.length).toBeGreaterThan(150_000);
    expect(sink.maxBuffered()).toBeLessThan(30_000);
  });

  it('writes a file only when the export is complete', async () => {
    const path = join(dir, 'run.csv');
    const count = await exportRunCsvToFile(tdb.handle.db, runId, path, { batchSize: 2 });
    expect(count).toBe(7);
    expect(await readFile(path, 'utf8')).toBe(EXPECTED.join(''));
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('refuses an unknown run without creating a file', async () => {
    const path = join(dir, 'missing.csv');
    await expect(
      exportRunCsvToFile(tdb.handle.db, '00000000-0000-4000-8000-000000000000', path),
    ).rejects.toThrow(CliError);
    await expect(exportRunCsv(tdb.handle.db, 'not-a-uuid', slowSink().stream)).rejects.toThrow(
      /was not found/,
    );
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
