import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import * as schema from '../schema/index.ts';
import { useTestDatabase } from '../test-support.ts';
import { createOrganization } from './organizations.ts';
import { STORED_FILE_CHUNK_BYTES, StoredFileRepository } from './stored-files.ts';

const t = useTestDatabase();

async function newFiles() {
  const organization = await createOrganization(t.db, `Org ${randomUUID()}`);
  return new StoredFileRepository(t.db, organization.id);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('stored files', () => {
  it('take bytes in order only, and give them back from any offset, across pieces', async () => {
    const files = await newFiles();
    const bytes = randomBytes(STORED_FILE_CHUNK_BYTES * 2 + 12_345);
    const file = await files.create({ name: 'big.csv', size: bytes.length });
    const first = STORED_FILE_CHUNK_BYTES + 100;
    expect((await files.append(file.id, 0, bytes.subarray(0, first))).appended).toBe(true);
    // a repeated or skipped range is refused, and nothing is written
    expect((await files.append(file.id, 0, bytes.subarray(0, 10))).appended).toBe(false);
    expect((await files.append(file.id, first + 1, bytes.subarray(first + 1))).appended).toBe(false);
    expect((await files.find(file.id))?.receivedBytes).toBe(first);
    // past the declared size: refused
    expect(
      (await files.append(file.id, first, Buffer.concat([bytes.subarray(first), Buffer.from('x')]))).appended,
    ).toBe(false);
    expect(await files.get(file.id)).toBeUndefined(); // not complete: not offered to connectors
    expect((await files.append(file.id, first, bytes.subarray(first))).appended).toBe(true);
    const done = await files.complete(file.id, 'abc');
    expect(done?.completedAt).toBeInstanceOf(Date);
    expect(await files.get(file.id)).toEqual({
      id: file.id,
      name: 'big.csv',
      size: bytes.length,
      sha256: 'abc',
    });
    expect((await files.append(file.id, bytes.length, Buffer.alloc(0))).appended).toBe(false);
    for (const start of [
      0,
      1,
      STORED_FILE_CHUNK_BYTES - 1,
      STORED_FILE_CHUNK_BYTES,
      first + 7,
      bytes.length - 1,
    ]) {
      expect((await collect(files.read(file.id, start))).equals(bytes.subarray(start))).toBe(true);
    }
    expect((await collect(files.read(file.id, bytes.length))).length).toBe(0);
  });

  it('is completed only once every byte has arrived', async () => {
    const files = await newFiles();
    const file = await files.create({ name: 'a.csv', size: 10 });
    await files.append(file.id, 0, Buffer.from('12345'));
    expect(await files.complete(file.id, 'abc')).toBeUndefined();
  });

  it("are the organization's own: another organization cannot see, read or write them", async () => {
    const mine = await newFiles();
    const theirs = await newFiles();
    const file = await mine.create({ name: 'a.csv', size: 3 });
    await mine.append(file.id, 0, Buffer.from('abc'));
    await mine.complete(file.id, 'x');
    expect(await theirs.find(file.id)).toBeUndefined();
    expect(await theirs.get(file.id)).toBeUndefined();
    expect((await collect(theirs.read(file.id))).length).toBe(0);
    expect((await theirs.append(file.id, 3, Buffer.from('d'))).appended).toBe(false);
    expect(await theirs.find('not-a-uuid')).toBeUndefined();
    expect(await mine.pendingCount()).toBe(0);
    await mine.create({ name: 'b.csv', size: 3 });
    expect(await mine.pendingCount()).toBe(1);
  });

  it('go to the server as bytes, not as hex text: an append of n bytes puts about n bytes on the wire', async () => {
    // A client whose socket counts what it writes: postgres.js takes a connected socket from `socket` (in its
    // README's options, not in its types).
    let written = 0;
    const { hostname, port } = new URL(t.url);
    const sql = postgres(t.url, {
      max: 1,
      onnotice: () => {},
      socket: async () => {
        const socket = connect(Number(port || 5432), hostname);
        await once(socket, 'connect');
        const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
        socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
          written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
          return write(chunk, ...rest);
        }) as typeof socket.write;
        return socket;
      },
    } as postgres.Options<Record<string, never>>);
    try {
      const organization = await createOrganization(t.db, `Org ${randomUUID()}`);
      const files = new StoredFileRepository(
        drizzle({ client: sql, schema, casing: 'snake_case' }),
        organization.id,
      );
      const bytes = randomBytes(4 * STORED_FILE_CHUNK_BYTES);
      const file = await files.create({ name: 'wire.csv', size: bytes.length });
      const before = written;
      expect((await files.append(file.id, 0, bytes)).appended).toBe(true);
      const sent = written - before;
      expect(sent).toBeGreaterThan(bytes.length);
      expect(sent).toBeLessThan(bytes.length * 1.01);
      expect((await collect(files.read(file.id))).equals(bytes)).toBe(true);
    } finally {
      await sql.end();
    }
  });
});
