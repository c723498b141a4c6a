import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorRegistry } from '@leadsync/connectors';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestApi, type TestApi } from '../testing/harness.ts';
import { uploadRoutes } from './uploads.ts';

const MB = 1024 * 1024;

/** A CSV file of `rows` people, made on the fly in pieces of about `piece` bytes (never held whole). */
function* csvPieces(rows: number, piece = 4 * MB): Generator<Buffer> {
  let text = 'email,first_name,last_name,company\n';
  for (let i = 1; i <= rows; i++) {
    text += `person${i}@example.com,First${i},Last${i},"Company ${i % 1000}, Inc."\n`;
    if (text.length >= piece) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text) yield Buffer.from(text);
}

function csvBytes(rows: number): Buffer {
  return Buffer.concat([...csvPieces(rows)]);
}

describe('uploads', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ uploadMaxBytes: 200 * MB });
  });
  afterAll(async () => {
    await api?.close();
  });

  const auth = (key = api.key) => ({ authorization: `Bearer ${key}` });

  async function start(name: string, size: number, key = api.key) {
    const response = await fetch(`${api.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(key) },
      body: JSON.stringify({ name, size }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function put(id: string, bytes: Buffer, first: number, size: number, key = api.key) {
    const response = await fetch(`${api.url}/uploads/${id}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${first}-${first + bytes.length - 1}/${size}`,
        ...auth(key),
      },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function status(id: string, key = api.key) {
    const response = await fetch(`${api.url}/uploads/${id}`, { headers: auth(key) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('streams in a file over 100 MB in chunks and stores it with its SHA-256', async () => {
    const rows = 1_600_000;
    let size = 0;
    const digest = createHash('sha256');
    for (const piece of csvPieces(rows)) {
      size += piece.length;
      digest.update(piece);
    }
    expect(size).toBeGreaterThan(100 * MB);
    const started = await start('big.csv', size);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    // 16 MB requests, each made of the generated pieces
    let sent = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let last: Awaited<ReturnType<typeof put>> | undefined;
    const send = async () => {
      const body = Buffer.concat(batch);
      last = await put(id, body, sent, size);
      expect(last.status).toBe(200);
      sent += body.length;
      expect(last.body.offset).toBe(sent);
      batch = [];
      batchBytes = 0;
    };
    for (const piece of csvPieces(rows)) {
      batch.push(piece);
      batchBytes += piece.length;
      if (batchBytes >= 16 * MB) await send();
    }
    if (batchBytes > 0) await send();
    expect(last?.body).toMatchObject({
      id,
      size,
      offset: size,
      complete: true,
      sha256: digest.digest('hex'),
    });
    const data = ok(
      await api.gql('query($id: ID!) { fileUpload(id: $id) { size receivedBytes complete sha256 } }', { id }),
    );
    expect(data.fileUpload).toEqual({ size, receivedBytes: size, complete: true, sha256: last?.body.sha256 });
  }, 300_000);

  it('resumes a dropped upload from the offset the server reports', async () => {
    const bytes = csvBytes(60_000); // ~4.6 MB
    const started = await start('dropped.csv', bytes.length);
    const id = started.body.id as string;
    const cut = 3 * MB + 12_345;
    // The connection drops after `cut` bytes of a chunk that announced the whole file.
    await new Promise<void>((resolve) => {
      const req = request(`${api.url}/uploads/${id}`, {
        method: 'PUT',
        headers: {
          ...auth(),
          'content-type': 'application/octet-stream',
          'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`,
          'content-length': String(bytes.length),
        },
      });
      req.on('error', () => resolve());
      req.write(bytes.subarray(0, cut), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    // The server keeps what arrived (it writes as bytes come, up to the drop)
    let offset = 0;
    for (let tries = 0; tries < 50; tries++) {
      offset = (await status(id)).body.offset as number;
      if (offset === cut) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBe(cut);
    // A chunk that does not start there is refused, naming the offset
    const wrong = await put(id, bytes.subarray(0, 10), 0, bytes.length);
    expect(wrong).toMatchObject({ status: 409, body: { code: 'CONFLICT', offset: cut } });
    const rest = await put(id, bytes.subarray(offset), offset, bytes.length);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      complete: true,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('refuses with a sentence: no key, another organization, too large, empty, a bad range', async () => {
    const noKey = await fetch(`${api.url}/uploads`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    const tooLarge = await start('huge.csv', 300 * MB);
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(tooLarge.body.error).toBe('The file is 300 MB; this server accepts files of at most 200 MB.');
    expect((await start('empty.csv', 0)).status).toBe(400);
    expect((await start('', 10)).status).toBe(400);
    const notJson = await fetch(`${api.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: '{"name": ',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/^Send \{/);
    const mine = await start('mine.csv', 5);
    const id = mine.body.id as string;
    const other = await api.newOrganization('Other');
    expect((await status(id, other.key)).status).toBe(404);
    expect((await put(id, Buffer.from('abcde'), 0, 5, other.key)).status).toBe(404);
    expect((await put(id, Buffer.from('abcde'), 0, 6)).status).toBe(400); // total is not the size
    const noRange = await fetch(`${api.url}/uploads/${id}`, {
      method: 'PUT',
      headers: auth(),
      body: 'abcde',
    });
    expect(noRange.status).toBe(400);
    expect((await status('not-an-id')).status).toBe(404);
    expect((await status(id)).body).toMatchObject({ offset: 0, complete: false });
  });

  it('gives a connection the uploaded file: detected settings first, then a connection that names it', async () => {
    const text = 'E-mail;Vorname\r\njose@example.com;José\r\nana@example.com;Ana\r\n';
    const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le');
    const id = (await start('kontakte.csv', bytes.length)).body.id as string;
    expect((await put(id, bytes, 0, bytes.length)).body.complete).toBe(true);

    const connectors = ok(await api.gql('{ connectors { id fileSetting { key nameKey label accept } } }'));
    const csv = connectors.connectors.find((c: { id: string }) => c.id === 'csv');
    expect(csv.fileSetting).toMatchObject({ key: 'fileId', nameKey: 'fileName' });

    const preview = ok(
      await api.gql(
        `query($settings: JSONObject!) { previewConnectionSettings(connector: "csv", settings: $settings) {
          settings options { key value detected choices { value } } columns rows estimatedRecords } }`,
        { settings: { fileId: id } },
      ),
    ).previewConnectionSettings;
    expect(preview.settings).toEqual({ fileId: id, encoding: 'utf-16le', delimiter: ';', headerRow: true });
    expect(preview.columns).toEqual(['E-mail', 'Vorname']);
    expect(preview.rows).toEqual([
      ['jose@example.com', 'José'],
      ['ana@example.com', 'Ana'],
    ]);
    expect(preview.options.map((o: { key: string }) => o.key)).toEqual([
      'encoding',
      'delimiter',
      'headerRow',
    ]);

    const other = await api.newOrganization('Elsewhere');
    const theirs = await api.gql(
      'query($settings: JSONObject!) { previewConnectionSettings(connector: "csv", settings: $settings) { columns } }',
      { settings: { fileId: id } },
      other.key,
    );
    expect(theirs.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const created = ok(
      await api.gql(
        `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id name } }`,
        { input: { connector: 'csv', name: 'Kontakte', credentials: {}, settings: preview.settings } },
      ),
    ).createConnection;
    const fields = ok(
      await api.gql('query($id: ID!) { sourceFields(connectionId: $id) { key type } }', { id: created.id }),
    );
    expect(fields.sourceFields).toEqual([
      { key: 'E-mail', type: 'email' },
      { key: 'Vorname', type: 'string' },
    ]);
  });

  it('keeps the cost of its checksum linear when the parts of an upload reach different API processes', async () => {
    // A second process's upload routes over the same database (its own checksums in memory).
    const other = createServer(
      express().use(
        uploadRoutes(
          {
            db: api.db,
            secretBox: api.secretBox,
            registry: connectorRegistry,
            engine: api.engine,
            scheduler: api.scheduler,
            logger: pino({ level: 'silent' }),
            allowedHosts: [],
          },
          { maxBytes: 200 * MB },
        ),
      ),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const bytes = csvBytes(250_000); // 16 parts of 1 MiB and a bit
      const parts = Math.ceil(bytes.length / MB);
      expect(parts).toBeGreaterThanOrEqual(16);
      /** Queries an upload of the file costs, its parts sent to `urlOf(part)`. */
      const upload = async (urlOf: (part: number) => string) => {
        const before = api.queries();
        const id = (await start('spread.csv', bytes.length)).body.id as string;
        let last: Record<string, unknown> = {};
        for (let part = 0; part < parts; part++) {
          const first = part * MB;
          const body = bytes.subarray(first, Math.min(bytes.length, first + MB));
          const response = await fetch(`${urlOf(part)}/uploads/${id}`, {
            method: 'PUT',
            headers: {
              authorization: `Bearer ${api.key}`,
              'content-range': `bytes ${first}-${first + body.length - 1}/${bytes.length}`,
            },
            body,
          });
          expect(response.status).toBe(200);
          last = (await response.json()) as Record<string, unknown>;
        }
        expect(last).toMatchObject({
          complete: true,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
        return api.queries() - before;
      };
      const oneProcess = await upload(() => api.url);
      const alternating = await upload((part) => (part % 2 ? otherUrl : api.url));
      // At most one reading of the whole file (4 pieces a query) to hash it, not a reading of all before each part.
      expect(alternating - oneProcess).toBeLessThanOrEqual(Math.ceil(parts / 4) + 2);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("refuses with a sentence a file over its connection's limits (columns, rows), which are settings", async () => {
    const lines = ['email,first,last,city,company'];
    for (let i = 1; i <= 30; i++) lines.push(`p${i}@example.com,F${i},L${i},C${i},Co ${i}`);
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const id = (await start('wide.csv', bytes.length)).body.id as string;
    expect((await put(id, bytes, 0, bytes.length)).body.complete).toBe(true);
    const preview = (settings: Record<string, unknown>) =>
      api.gql(
        `query($settings: JSONObject!) { previewConnectionSettings(connector: "csv", settings: $settings) {
          columns estimatedRecords } }`,
        { settings },
      );
    const wide = await preview({ fileId: id, maxColumns: 4 });
    expect(wide.errors?.[0]).toMatchObject({
      message: 'The file has 5 columns; at most 4 are accepted.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(ok(await preview({ fileId: id, maxColumns: 5 })).previewConnectionSettings.columns).toHaveLength(
      5,
    );
    const create = (settings: Record<string, unknown>) =>
      api.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
        input: { connector: 'csv', name: 'Wide', credentials: {}, settings },
      });
    const long = await create({ fileId: id, maxRows: 10 });
    expect(long.errors?.[0]).toMatchObject({
      message: 'The file has about 30 rows; at most 10 are accepted.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(ok(await create({ fileId: id, maxRows: 30 })).createConnection.id).toBeTruthy();
  });
});

describe('uploads on a server that keeps the default limit', () => {
  it('refuses a file over 500 MB with a sentence, before any byte is sent', async () => {
    const api = await startTestApi();
    try {
      const start = (size: number) =>
        fetch(`${api.url}/uploads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
          body: JSON.stringify({ name: 'export.csv', size }),
        });
      const refused = async (size: number) => {
        const response = await start(size);
        expect(response.status).toBe(413);
        return ((await response.json()) as { code: string; error: string }).error;
      };
      expect(await refused(600 * MB)).toBe(
        'The file is 600 MB; this server accepts files of at most 500 MB.',
      );
      // a byte over: not "500 MB; at most 500 MB"
      expect(await refused(500 * MB + 1)).toBe('The file is over 500 MB, the most this server accepts.');
      expect((await start(500 * MB)).status).toBe(201);
    } finally {
      await api.close();
    }
  });
});
