// One pass over a whole CSV file: its lines (to estimate rows) and the first character that is not text.

import { littleEndian, unitWidth } from './encoding.ts';
import type { CsvFile, CsvHead } from './parse.ts';

/** The sentence for a file holding text PostgreSQL cannot store; names the line, never the text. */
export function notTextOnLine(line: number): string {
  return (
    `The file holds a character that is not text (a NUL character or a broken UTF-16 character) on line ${line}; ` +
    'save it again as UTF-8 CSV.'
  );
}

/**
 * One pass over the whole file, chunk by chunk: its lines (to estimate rows), and the line of the first character
 * that is not text (a NUL; in UTF-16, an unpaired surrogate), if any.
 */
export async function scanFile(
  file: CsvFile,
  head: CsvHead,
): Promise<{ lines: number; notTextLine?: number }> {
  const width = unitWidth(head.encoding);
  let lf = 0;
  let cr = 0;
  let notTextLine: number | undefined;
  let last = 0;
  let offset = 0;
  let highSurrogate = false;
  const lineAt = (bytes: Buffer, end: number) => {
    let before = 0;
    let crs = 0;
    for (let i = 0; i < end; i += width) {
      if (width === 2 && bytes[i + 1] !== 0) continue;
      if (bytes[i] === 10) before++;
      else if (bytes[i] === 13) crs++;
    }
    return Math.max(lf + before, cr + crs) + 1;
  };
  for await (const chunk of littleEndian(file.read(0), head.encoding)) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (notTextLine === undefined) {
      if (width === 1) {
        const nul = bytes.indexOf(0);
        if (nul >= 0) notTextLine = lineAt(bytes, nul);
      } else {
        // (low, high) pairs from an even offset of the file: the chunks of a UTF-16 file start at even offsets
        for (let i = offset % 2; i + 1 < bytes.length; i += 2) {
          const unit = bytes[i]! | (bytes[i + 1]! << 8);
          const low = unit >= 0xdc00 && unit <= 0xdfff;
          if (unit === 0 || (low && !highSurrogate) || (highSurrogate && !low)) {
            notTextLine = lineAt(bytes, i);
            break;
          }
          highSurrogate = unit >= 0xd800 && unit <= 0xdbff;
        }
      }
    }
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) {
      if (width === 1 || ((offset + i) % 2 === 0 && bytes[i + 1] === 0)) lf++;
    }
    for (let i = bytes.indexOf(13); i >= 0; i = bytes.indexOf(13, i + 1)) {
      if (width === 1 || ((offset + i) % 2 === 0 && bytes[i + 1] === 0)) cr++;
    }
    if (bytes.length >= width) last = bytes[bytes.length - width]!;
    offset += bytes.length;
  }
  if (notTextLine === undefined && highSurrogate) notTextLine = Math.max(lf, cr) + 1;
  const lines = Math.max(lf, cr) + (offset > 0 && last !== 10 && last !== 13 ? 1 : 0);
  return { lines, notTextLine };
}
