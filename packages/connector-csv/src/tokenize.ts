/**
 * RFC 4180 records from a stream of bytes, with the byte offset and line of each: what lets a run resume at a byte
 * offset, report a malformed line by its number and go on after it, and hold only the record being read.
 *
 * It reads code units (1 byte for UTF-8 and Windows-1252, 2 for UTF-16, turned little-endian before): the
 * characters that shape a CSV file (quote, delimiter, CR, LF) are ASCII, and in these encodings an ASCII code unit
 * is never part of another character, so the file is split without decoding it; only cells are decoded.
 */

export interface TokenizeOptions {
  /** The delimiter's character code (ASCII). */
  delimiter: number;
  /** Bytes per code unit. */
  width: 1 | 2;
  decode: (bytes: Buffer, start: number, end: number) => string;
  /** A record longer than this (bytes) is malformed: reported, and reading goes on at the next line. */
  maxRecordBytes: number;
  /** Absolute offset of the first byte given, and its line number (1-based). */
  offset: number;
  line: number;
}

export interface RawRecord {
  cells: string[];
  /** Line of the record's first character. */
  line: number;
  /** Absolute byte offsets: where it starts, and where the next record (or blank line) starts. */
  start: number;
  next: number;
  /** The line `next` is on. */
  nextLine: number;
}

export interface MalformedRecord {
  /** Why, for a person (no file contents). */
  malformed: string;
  line: number;
  start: number;
  next: number;
  nextLine: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const NOT_ASCII = 0x100;

type Step =
  | { kind: 'record'; cells: string[]; next: number; newlines: number }
  | { kind: 'malformed'; why: string }
  | { kind: 'need' };

const NEED: Step = { kind: 'need' };

/**
 * Records per batch at most. A batch is one await for its consumer; a small one lets its records die young (a
 * chunk's worth, thousands of rows, would outlive the young generation and be promoted: old-space garbage).
 */
const MAX_BATCH = 256;

/** The code unit at `i`: its ASCII code, or a value above 0xFF for anything else (UTF-16 only). */
function unitAt(b: Buffer, i: number, w: 1 | 2): number {
  return w === 1 ? b[i]! : b[i + 1] === 0 ? b[i]! : NOT_ASCII;
}

/** Reads one record starting at `p` (not at a line end); `need` when the buffer ends before the record does. */
function readRecord(b: Buffer, p: number, n: number, eof: boolean, o: TokenizeOptions): Step {
  const w = o.width;
  const delimiter = o.delimiter;
  const max = o.maxRecordBytes;
  const cells: string[] = [];
  let newlines = 0;
  let i = p;
  for (;;) {
    if (i >= n) {
      // after a delimiter
      if (!eof) return NEED;
      cells.push('');
      return { kind: 'record', cells, next: n, newlines };
    }
    if (unitAt(b, i, w) === QUOTE) {
      let j = i + w;
      let escaped = false;
      for (;;) {
        if (j - p > max) return { kind: 'malformed', why: `it is longer than ${max} bytes` };
        if (j >= n) return eof ? { kind: 'malformed', why: 'a quote is never closed' } : NEED;
        const c = unitAt(b, j, w);
        if (c === QUOTE) {
          if (j + w >= n && !eof) return NEED;
          if (j + w < n && unitAt(b, j + w, w) === QUOTE) {
            escaped = true;
            j += 2 * w;
            continue;
          }
          break;
        }
        if (c === LF) newlines++;
        else if (c === CR) {
          if (j + w >= n && !eof) return NEED;
          if (j + w >= n || unitAt(b, j + w, w) !== LF) newlines++;
        }
        j += w;
      }
      const text = o.decode(b, i + w, j);
      cells.push(escaped ? text.replaceAll('""', '"') : text);
      i = j + w;
      if (i >= n) {
        if (!eof) return NEED;
        return { kind: 'record', cells, next: n, newlines };
      }
      const after = unitAt(b, i, w);
      if (after === delimiter) {
        i += w;
        continue;
      }
      if (after === LF) return { kind: 'record', cells, next: i + w, newlines };
      if (after === CR) {
        if (i + w >= n && !eof) return NEED;
        return { kind: 'record', cells, next: afterCr(b, i, n, w), newlines };
      }
      return { kind: 'malformed', why: 'a quoted value is followed by other characters' };
    }
    let j = i;
    let c = 0;
    while (j < n) {
      c = unitAt(b, j, w);
      if (c === delimiter || c === LF || c === CR) break;
      j += w;
    }
    if (j - p > max) return { kind: 'malformed', why: `it is longer than ${max} bytes` };
    if (j >= n) {
      if (!eof) return NEED;
      cells.push(o.decode(b, i, j));
      return { kind: 'record', cells, next: n, newlines };
    }
    cells.push(o.decode(b, i, j));
    if (c === delimiter) {
      i = j + w;
      continue;
    }
    if (c === LF) return { kind: 'record', cells, next: j + w, newlines };
    if (j + w >= n && !eof) return NEED;
    return { kind: 'record', cells, next: afterCr(b, j, n, w), newlines };
  }
}

/** The offset after the CR at `at`: past a CRLF pair, or past a lone CR (an old Mac line end). */
function afterCr(b: Buffer, at: number, n: number, w: 1 | 2): number {
  return at + w < n && unitAt(b, at + w, w) === LF ? at + 2 * w : at + w;
}

/** The offset just after the first line end at or after `p`, and -1 if the buffer has none (yet). */
function afterLineEnd(b: Buffer, p: number, n: number, w: 1 | 2, eof: boolean): number {
  for (let i = p; i < n; i += w) {
    const high = w === 2 ? b[i + 1] : 0;
    if (high !== 0) continue;
    if (b[i] === LF) return i + w;
    if (b[i] === CR) {
      if (i + w >= n) return eof ? n : -1;
      return b[i + w] === LF && (w === 1 || b[i + w + 1] === 0) ? i + 2 * w : i + w;
    }
  }
  return -1;
}

/**
 * Every record of the stream in order, blank lines left out, in batches (the records completed by each chunk: one
 * await per chunk rather than per record). A malformed record (a quote never closed, a quoted value followed by
 * other characters, a record over `maxRecordBytes`) is given as such, and reading goes on at the line after the
 * one it started on.
 */
export async function* tokenize(
  chunks: AsyncIterable<Uint8Array>,
  options: TokenizeOptions,
): AsyncGenerator<(RawRecord | MalformedRecord)[]> {
  const w = options.width;
  const iterator = chunks[Symbol.asyncIterator]();
  let buffer: Buffer = Buffer.alloc(0);
  let base = options.offset; // absolute offset of buffer[0]
  let position = 0;
  let line = options.line;
  let eof = false;
  /** A malformed record whose first line goes past the buffer: reported once its line end is found. */
  let skipping: { why: string; line: number; start: number } | undefined;

  const batch: (RawRecord | MalformedRecord)[] = [];
  const more = async (): Promise<boolean> => {
    const next = await iterator.next();
    if (next.done) {
      eof = true;
      return false;
    }
    const rest = buffer.subarray(position);
    buffer =
      rest.length > 0
        ? Buffer.concat([rest, next.value])
        : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    base += position;
    position = 0;
    return true;
  };

  try {
    for (;;) {
      const n = eof ? buffer.length : buffer.length - (buffer.length % w);
      if (skipping) {
        const after = afterLineEnd(buffer, position, n, w, eof);
        if (after < 0 && !eof) {
          position = n;
          if (batch.length > 0) yield batch.splice(0);
          await more();
          continue;
        }
        position = after < 0 ? n : after;
        line++;
        const { why, line: reported, start } = skipping;
        skipping = undefined;
        batch.push({ malformed: why, line: reported, start, next: base + position, nextLine: line });
        continue;
      }
      if (position >= n) {
        if (batch.length > 0) yield batch.splice(0);
        if (eof || !(await more())) return;
        continue;
      }
      const first = w === 1 ? buffer[position] : buffer[position + 1] === 0 ? buffer[position] : NOT_ASCII;
      if (first === LF || first === CR) {
        // a blank line
        const after = afterLineEnd(buffer, position, n, w, eof);
        if (after < 0) {
          if (batch.length > 0) yield batch.splice(0);
          await more();
          continue;
        }
        position = after;
        line++;
        continue;
      }
      const step = readRecord(buffer, position, n, eof, options);
      if (step.kind === 'need') {
        if (batch.length > 0) yield batch.splice(0);
        await more();
        continue;
      }
      const start = base + position;
      if (step.kind === 'record') {
        position = step.next;
        const nextLine = line + 1 + step.newlines;
        batch.push({ cells: step.cells, line, start, next: base + position, nextLine });
        line = nextLine;
        if (batch.length >= MAX_BATCH) yield batch.splice(0);
        continue;
      }
      const after = afterLineEnd(buffer, position, n, w, eof);
      const reported = line;
      if (after < 0) {
        skipping = { why: step.why, line: reported, start };
        continue;
      }
      position = after;
      line++;
      batch.push({ malformed: step.why, line: reported, start, next: base + position, nextLine: line });
    }
  } finally {
    await iterator.return?.();
  }
}
