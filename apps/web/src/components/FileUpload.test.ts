import { afterEach, describe, expect, it, vi } from 'vitest';
import { UPLOAD_CHUNK_BYTES, uploadInChunks } from './FileUpload.tsx';

// The console's side of a resumable upload (issue 24): POST /uploads, then PUT parts with Content-Range; after a
// dropped connection it asks the server where the upload stands (GET) and goes on from there.

const json = (body: object, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A server that keeps the bytes it received, in order; `drop` cuts the n-th PUT after `keep` of its bytes. */
function uploadServer(size: number, drop?: { put: number; keep: number }) {
  const received: Uint8Array[] = [];
  let offset = 0;
  let puts = 0;
  const ranges: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    if (url === '/uploads' && method === 'POST') {
      expect(JSON.parse(String(init?.body))).toEqual({ name: 'fair.csv', size });
      return json({ id: 'u1', offset: 0, complete: false }, 201);
    }
    if (url === '/uploads/u1' && method === 'GET')
      return json({ id: 'u1', offset, complete: offset === size });
    if (url === '/uploads/u1' && method === 'PUT') {
      const range = new Headers(init?.headers).get('content-range') ?? '';
      ranges.push(range);
      const first = Number(/^bytes (\d+)-/.exec(range)?.[1]);
      if (first !== offset) return json({ error: 'wrong place', offset }, 409);
      const body = init?.body as Blob;
      const bytes = new Uint8Array(await body.arrayBuffer());
      if (++puts === drop?.put) {
        received.push(bytes.subarray(0, drop.keep));
        offset += drop.keep;
        throw new TypeError('Failed to fetch'); // what a browser's fetch throws when the connection drops
      }
      received.push(bytes);
      offset += bytes.length;
      return json({ id: 'u1', offset, complete: offset === size });
    }
    return json({ error: 'unexpected' }, 500);
  };
  return { fetch, ranges, received: () => Buffer.concat(received) };
}

function fileOf(size: number): { file: File; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 12)) & 0xff;
  return { file: new File([bytes], 'fair.csv', { type: 'text/csv' }), bytes };
}

describe('the console uploads a file in parts', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('goes on from the offset the server reports after the connection dropped in the middle of a part', async () => {
    const size = 2 * UPLOAD_CHUNK_BYTES + 12_345;
    const { file, bytes } = fileOf(size);
    const keep = 1_000_000;
    const server = uploadServer(size, { put: 2, keep });
    vi.stubGlobal('fetch', server.fetch);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const progress: number[] = [];
    const done = uploadInChunks(file, (stored) => progress.push(stored));
    await vi.runAllTimersAsync();
    expect(await done).toBe('u1');

    const resumed = UPLOAD_CHUNK_BYTES + keep;
    expect(server.ranges).toEqual([
      `bytes 0-${UPLOAD_CHUNK_BYTES - 1}/${size}`,
      `bytes ${UPLOAD_CHUNK_BYTES}-${2 * UPLOAD_CHUNK_BYTES - 1}/${size}`, // dropped after `keep` bytes
      `bytes ${resumed}-${size - 1}/${size}`,
    ]);
    expect(server.received().equals(bytes)).toBe(true);
    // the bar shows what the server holds after the drop too, not only what it acknowledged
    expect(progress).toEqual([UPLOAD_CHUNK_BYTES, resumed, size]);
  });

  it("shows the server's sentence when it refuses the file, and gives up on a connection that keeps dropping", async () => {
    vi.stubGlobal('fetch', async () =>
      json(
        {
          code: 'PAYLOAD_TOO_LARGE',
          error: 'The file is 600 MB; this server accepts files of at most 500 MB.',
        },
        413,
      ),
    );
    await expect(uploadInChunks(fileOf(10).file, () => {})).rejects.toThrow(
      'The file is 600 MB; this server accepts files of at most 500 MB.',
    );

    const server = uploadServer(10);
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if ((init?.method ?? 'GET') === 'PUT') throw new TypeError('Failed to fetch');
      return server.fetch(input, init);
    });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const failed = uploadInChunks(fileOf(10).file, () => {}).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(String(await failed)).toBe('Error: The connection keeps dropping; try the upload again later.');
  });
});
