import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Database } from '@leadsync/db';
import { RunRecordRepository } from '@leadsync/db/repositories';
import { csvLine, RECORDS_CSV_HEADER } from '../csv.ts';
import { findRun } from '../lookup.ts';

/** Records read per query: memory stays at one batch whatever the size of the run. */
export const EXPORT_BATCH = 2_000;

/** Writes with back-pressure: waits for `drain` when the stream's buffer is full. */
function write(stream: Writable, chunk: string): Promise<void> {
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the output was closed before the export ended'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', settle);
  });
}

/**
 * Streams every record of a run as CSV (`source_id,email,outcome,reason,suggestion`, RFC 4180, CRLF line ends as
 * the RFC has them) in source order, batch by batch on the keyset of the run's records; returns how many.
 */
export async function exportRunCsv(
  db: Database,
  runId: string,
  out: Writable,
  options: { batchSize?: number } = {},
): Promise<number> {
  const run = await findRun(db, runId);
  const records = new RunRecordRepository(db, run.organizationId);
  let count = 0;
  await write(out, `${RECORDS_CSV_HEADER}\r\n`);
  for await (const batch of records.iterate(run.id, { batchSize: options.batchSize ?? EXPORT_BATCH })) {
    let chunk = '';
    for (const record of batch) chunk += `${csvLine(record)}\r\n`;
    count += batch.length;
    await write(out, chunk);
  }
  return count;
}

/**
 * The export into a file: written beside it as `<file>.partial` and renamed at the end, so a failed export never
 * leaves a file that looks complete.
 */
export async function exportRunCsvToFile(
  db: Database,
  runId: string,
  path: string,
  options: { batchSize?: number } = {},
): Promise<number> {
  await findRun(db, runId);
  const partial = `${path}.partial`;
  const file = createWriteStream(partial, { flags: 'w' });
  try {
    const count = await exportRunCsv(db, runId, file, options);
    file.end();
    await once(file, 'finish');
    await rename(partial, path);
    return count;
  } catch (error) {
    file.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
