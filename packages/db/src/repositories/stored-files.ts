import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type StoredFileRow, storedFileChunks, storedFiles } from '../schema/files.ts';
import { isUuid } from './ids.ts';

/** Stored files are kept in pieces of at most this many bytes (an append is split to it). */
export const STORED_FILE_CHUNK_BYTES = 1 << 20;
/** Pieces fetched per query while reading: the reader holds at most this many MiB. */
const PIECES_PER_QUERY = 4;
/** Uploads begun and not finished that one organization may have at once. */
export const MAX_PENDING_UPLOADS = 50;

/** A complete stored file as connectors see it (the connector SDK's `StoredFile`). */
export interface StoredFileInfo {
  id: string;
  name: string;
  size: number;
  sha256: string;
}

export type AppendResult =
  | { appended: true; file: StoredFileRow }
  /** The offset was not where the file ends (or the bytes go past its size): nothing was written. */
  | { appended: false; file: StoredFileRow | undefined };

/**
 * The organization's uploaded files and their bytes. An upload is appended to in order (`append` at the received
 * offset, so a dropped upload resumes from `receivedBytes`), then `complete`d with its SHA-256; only complete files
 * are offered to connectors (`get` / `read` through the engine's `files` context).
 */
export class StoredFileRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  private scoped(id: string) {
    return and(eq(storedFiles.organizationId, this.organizationId), eq(storedFiles.id, id));
  }

  /** The number of uploads begun and not complete. */
  async pendingCount(): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(storedFiles)
      .where(and(eq(storedFiles.organizationId, this.organizationId), isNull(storedFiles.completedAt)));
    return row?.n ?? 0;
  }

  async create(input: { name: string; size: number }): Promise<StoredFileRow> {
    const [row] = await this.db
      .insert(storedFiles)
      .values({ organizationId: this.organizationId, name: input.name, size: input.size })
      .returning();
    if (!row) throw new Error('insert returned no stored file');
    return row;
  }

  async find(id: string): Promise<StoredFileRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(storedFiles).where(this.scoped(id));
    return row;
  }

  /** Writes `data` at `offset` if that is where the received bytes end and it stays within the declared size. */
  async append(id: string, offset: number, data: Uint8Array): Promise<AppendResult> {
    if (!isUuid(id)) return { appended: false, file: undefined };
    return this.db.transaction(async (tx) => {
      const [file] = await tx.select().from(storedFiles).where(this.scoped(id)).for('update');
      if (!file || file.completedAt || file.receivedBytes !== offset || offset + data.length > file.size) {
        return { appended: false, file };
      }
      if (data.length > 0) {
        const pieces = [];
        for (let at = 0; at < data.length; at += STORED_FILE_CHUNK_BYTES) {
          const piece = data.subarray(at, Math.min(data.length, at + STORED_FILE_CHUNK_BYTES));
          pieces.push({
            fileId: id,
            start: offset + at,
            data: Buffer.from(piece.buffer, piece.byteOffset, piece.length),
          });
        }
        await tx.insert(storedFileChunks).values(pieces);
      }
      const [updated] = await tx
        .update(storedFiles)
        .set({ receivedBytes: offset + data.length })
        .where(this.scoped(id))
        .returning();
      return { appended: true, file: updated ?? file };
    });
  }

  /** Marks a fully received file complete with its checksum; undefined when it is not fully received. */
  async complete(id: string, sha256: string): Promise<StoredFileRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db
      .update(storedFiles)
      .set({ sha256, completedAt: sql`coalesce(${storedFiles.completedAt}, now())` })
      .where(and(this.scoped(id), eq(storedFiles.receivedBytes, storedFiles.size)))
      .returning();
    return row;
  }

  /** A complete file, as connectors see it. */
  async get(id: string): Promise<StoredFileInfo | undefined> {
    const file = await this.find(id);
    if (!file?.completedAt || file.sha256 === null) return undefined;
    return { id: file.id, name: file.name, size: file.size, sha256: file.sha256 };
  }

  /**
   * The received bytes of a file from `start` on, a piece (≤ 1 MiB) at a time, fetched a few pieces per query as
   * the reader asks for them: reading costs the memory of a few pieces whatever the file's size.
   */
  async *read(id: string, start = 0): AsyncGenerator<Uint8Array> {
    const file = await this.find(id);
    if (!file) return;
    let position = Math.max(0, start);
    while (position < file.receivedBytes) {
      const pieces = await this.db
        .select({ start: storedFileChunks.start, data: storedFileChunks.data })
        .from(storedFileChunks)
        .where(
          and(
            eq(storedFileChunks.fileId, id),
            sql`${storedFileChunks.start} > ${position - STORED_FILE_CHUNK_BYTES}`,
            sql`${storedFileChunks.start} + octet_length(${storedFileChunks.data}) > ${position}`,
          ),
        )
        .orderBy(storedFileChunks.start)
        .limit(PIECES_PER_QUERY);
      if (pieces.length === 0) return;
      for (const piece of pieces) {
        if (piece.start > position) throw new Error('a stored file is missing a piece');
        const from = position - piece.start;
        if (from < piece.data.length) yield piece.data.subarray(from);
        position = piece.start + piece.data.length;
      }
    }
  }
}
