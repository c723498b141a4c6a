import { createHash } from 'node:crypto';
import type { ConnectorFiles, StoredFile } from '../connector.ts';

export interface MemoryFiles extends ConnectorFiles {
  /** Stores bytes (or UTF-8 text) as a complete file and returns its id. */
  add(name: string, content: Uint8Array | string): string;
  /** Bytes handed out by `read` so far (to prove a reader did not read the whole file). */
  readonly bytesRead: number;
}

/**
 * Uploaded files for connector tests, in memory: `read` hands out slices of `chunkBytes` (default 64 KiB) one at
 * a time, like the engine's database-backed `files`.
 */
export function memoryFiles(options: { chunkBytes?: number } = {}): MemoryFiles {
  const chunkBytes = options.chunkBytes ?? 65_536;
  const files = new Map<string, { info: StoredFile; bytes: Uint8Array }>();
  let bytesRead = 0;
  let next = 0;
  return {
    add(name, content) {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      next++;
      const id = `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      files.set(id, { info: { id, name, size: bytes.length, sha256 }, bytes });
      return id;
    },
    get bytesRead() {
      return bytesRead;
    },
    async get(fileId) {
      return files.get(fileId)?.info;
    },
    async *read(fileId, start = 0) {
      const file = files.get(fileId);
      if (!file) return;
      for (let at = Math.max(0, start); at < file.bytes.length; at += chunkBytes) {
        const chunk = file.bytes.subarray(at, Math.min(file.bytes.length, at + chunkBytes));
        bytesRead += chunk.length;
        yield chunk;
      }
    },
  };
}
