import { createHash, type Hash } from 'node:crypto';
import { MAX_PENDING_UPLOADS, StoredFileRepository } from '@leadsync/db/repositories';
import type { StoredFileRow } from '@leadsync/db/schema';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AuthLimits } from '../graphql/auth.ts';
import type { ApiDeps } from '../graphql/deps.ts';
import { organizationOfRequest } from './authenticate.ts';

/** Default largest upload (`LEADSYNC_UPLOAD_MAX_BYTES`). */
export const DEFAULT_UPLOAD_MAX_BYTES = 500 * 1024 * 1024;
/** Largest body of one `PUT /uploads/<id>`: a file travels in as many chunks as it takes. */
export const MAX_UPLOAD_CHUNK_BYTES = 64 * 1024 * 1024;
/** Bytes written per append: a dropped connection loses at most the bytes not yet written. */
const APPEND_BYTES = 1024 * 1024;
/** Running checksums kept in memory; an upload beyond them (or after a restart) is hashed again from its bytes. */
const HASHES_KEPT = 200;

export interface UploadRoutesOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
}

/** What every upload answer carries: `offset` is where the next chunk starts (the bytes received). */
export interface UploadView {
  id: string;
  name: string;
  size: number;
  offset: number;
  complete: boolean;
  sha256: string | null;
}

const view = (file: StoredFileRow): UploadView => ({
  id: file.id,
  name: file.name,
  size: file.size,
  offset: file.receivedBytes,
  complete: file.completedAt !== null,
  sha256: file.sha256,
});

const startSchema = z.object({
  name: z.string().trim().min(1).max(255),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

const CONTENT_RANGE = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/;

function refuse(res: Response, status: number, code: string, error: string, extra: object = {}): void {
  res.status(status).json({ error, code, ...extra });
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/** Why a file of `size` bytes is refused; a file just over the limit is not said to be as large as the limit. */
function tooLarge(size: number, maxBytes: number): string {
  const most = megabytes(maxBytes);
  return megabytes(size) === most
    ? `The file is over ${most}, the most this server accepts.`
    : `The file is ${megabytes(size)}; this server accepts files of at most ${most}.`;
}

/**
 * Resumable uploads (Bearer key, scoped to the key's organization), so a file of any size reaches the server in
 * chunks without ever being held whole, and a dropped upload goes on from where it stopped:
 *
 * - `POST /uploads` `{ name, size }` → 201 `{ id, name, size, offset: 0, complete: false, sha256: null }`;
 * - `PUT /uploads/<id>` with `Content-Range: bytes <first>-<last>/<size>` and those bytes as the body (at most
 *   64 MiB) → 200 and the upload; the bytes are written 1 MiB at a time as they arrive, so after a dropped
 *   connection `offset` says what arrived. A chunk that does not start at `offset` is refused (409, with it);
 * - `GET /uploads/<id>` → 200 and the upload (`offset` to resume from).
 *
 * When the last byte arrives the upload is complete, with its SHA-256; a connection's settings may then name it
 * (CSV: `{ fileId }`).
 */
export function uploadRoutes(
  deps: ApiDeps,
  options: UploadRoutesOptions,
  limitsOf: (req: Request) => AuthLimits = () => ({}),
): Router {
  const router = express.Router();
  const hashes = new Map<string, { hash: Hash; offset: number }>();

  const organizationOf = (req: Request, res: Response) =>
    organizationOfRequest(deps.db, req, res, limitsOf(req));

  /**
   * The running SHA-256 of the file's first `offset` bytes when this process has it (it received them), else none:
   * the parts of an upload may reach different API processes, and hashing the stored bytes again before each part
   * would read the file once per part. Without it the file is hashed once, when complete (`digestOf`).
   */
  function hashAt(id: string, offset: number): Hash | undefined {
    const kept = hashes.get(id);
    if (kept && kept.offset === offset) return kept.hash;
    hashes.delete(id);
    return offset === 0 ? createHash('sha256') : undefined;
  }

  /** The SHA-256 of a stored file, read from its stored bytes. */
  async function digestOf(files: StoredFileRepository, id: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of files.read(id, 0)) hash.update(chunk);
    return hash.digest('hex');
  }

  function remember(id: string, hash: Hash, offset: number): void {
    hashes.delete(id);
    hashes.set(id, { hash, offset });
    if (hashes.size > HASHES_KEPT) hashes.delete(hashes.keys().next().value as string);
  }

  router.post('/uploads', express.json({ limit: '16kb' }), async (req, res) => {
    const organizationId = await organizationOf(req, res);
    if (!organizationId) return;
    const parsed = startSchema.safeParse(req.body);
    if (!parsed.success) {
      refuse(res, 400, 'BAD_USER_INPUT', 'Send { "name": the file name, "size": its size in bytes }.');
      return;
    }
    const { name, size } = parsed.data;
    if (size === 0) {
      refuse(res, 400, 'BAD_USER_INPUT', 'The file is empty.');
      return;
    }
    if (size > options.maxBytes) {
      refuse(res, 413, 'PAYLOAD_TOO_LARGE', tooLarge(size, options.maxBytes));
      return;
    }
    const files = new StoredFileRepository(deps.db, organizationId);
    if ((await files.pendingCount()) >= MAX_PENDING_UPLOADS) {
      refuse(
        res,
        429,
        'RATE_LIMITED',
        `This organization has ${MAX_PENDING_UPLOADS} unfinished uploads; finish one before starting another.`,
      );
      return;
    }
    const file = await files.create({ name, size });
    remember(file.id, createHash('sha256'), 0);
    deps.logger.info({ organizationId, uploadId: file.id, size }, 'upload started');
    res.status(201).setHeader('Location', `/uploads/${file.id}`).json(view(file));
  });

  router.get('/uploads/:id', async (req, res) => {
    const organizationId = await organizationOf(req, res);
    if (!organizationId) return;
    const file = await new StoredFileRepository(deps.db, organizationId).find(req.params.id);
    if (!file) {
      refuse(res, 404, 'NOT_FOUND', 'No such upload.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(view(file));
  });

  router.put('/uploads/:id', async (req, res) => {
    const organizationId = await organizationOf(req, res);
    if (!organizationId) return;
    const files = new StoredFileRepository(deps.db, organizationId);
    const id = req.params.id;
    const file = await files.find(id);
    if (!file) {
      refuse(res, 404, 'NOT_FOUND', 'No such upload.');
      return;
    }
    const range = CONTENT_RANGE.exec(req.headers['content-range'] ?? '');
    const first = Number(range?.[1]);
    const last = Number(range?.[2]);
    const total = Number(range?.[3]);
    if (!range || last < first || total !== file.size || last >= total) {
      refuse(
        res,
        400,
        'BAD_USER_INPUT',
        `Send the bytes with Content-Range: bytes <first>-<last>/${file.size} (the size given when the upload started).`,
      );
      return;
    }
    const length = last - first + 1;
    if (length > MAX_UPLOAD_CHUNK_BYTES) {
      refuse(res, 413, 'PAYLOAD_TOO_LARGE', `Send at most ${megabytes(MAX_UPLOAD_CHUNK_BYTES)} per request.`);
      return;
    }
    if (file.completedAt || first !== file.receivedBytes) {
      refuse(
        res,
        409,
        'CONFLICT',
        file.completedAt
          ? 'This upload is complete.'
          : `The next chunk of this upload starts at byte ${file.receivedBytes}.`,
        { offset: file.receivedBytes },
      );
      return;
    }

    let offset = first;
    const hash = hashAt(id, offset);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let conflict = false;
    const flush = async () => {
      if (pendingBytes === 0 || conflict) return;
      const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      const result = await files.append(id, offset, bytes);
      if (!result.appended) {
        conflict = true; // another request wrote here first
        hashes.delete(id);
        return;
      }
      offset += bytes.length;
      if (hash) {
        hash.update(bytes);
        remember(id, hash, offset);
      }
    };

    let tooLong = false;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (offset + pendingBytes + chunk.length > first + length) {
          tooLong = true;
          break;
        }
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= APPEND_BYTES) await flush();
        if (conflict) break;
      }
    } catch {
      // The connection dropped: what arrived is kept (in order), and GET /uploads/<id> tells where to go on.
    }
    if (!tooLong) await flush();
    if (req.destroyed && !req.complete) {
      deps.logger.info({ organizationId, uploadId: id, offset }, 'upload chunk interrupted');
      return;
    }
    if (conflict) {
      const now = await files.find(id);
      refuse(res, 409, 'CONFLICT', 'Another request wrote this part of the upload first.', {
        offset: now?.receivedBytes ?? offset,
      });
      return;
    }
    if (tooLong || offset !== first + length) {
      req.resume();
      refuse(
        res,
        400,
        'BAD_USER_INPUT',
        `The body did not hold the ${length} bytes its Content-Range announced; go on from byte ${offset}.`,
        { offset },
      );
      return;
    }
    let current = (await files.find(id)) ?? file;
    if (current.receivedBytes === current.size && !current.completedAt) {
      const sha256 = hash ? hash.digest('hex') : await digestOf(files, id);
      current = (await files.complete(id, sha256)) ?? current;
      hashes.delete(id);
      deps.logger.info({ organizationId, uploadId: id, size: current.size }, 'upload complete');
    }
    res.json(view(current));
  });

  // A start body that is not JSON (or over 16 kB): a sentence, not the parser's message or a stack.
  router.use('/uploads', ((error, _req, res, next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status >= 500) {
      next(error);
      return;
    }
    refuse(res, status, 'BAD_REQUEST', 'Send { "name": the file name, "size": its size in bytes } as JSON.');
  }) as express.ErrorRequestHandler);

  return router;
}
