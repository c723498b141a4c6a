/** The text encodings a CSV file may be in; detected from its first bytes unless the settings name one. */
export const csvEncodings = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

export const encodingLabels: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252 (Western European)',
};

const BOMS: { encoding: CsvEncoding; bytes: number[] }[] = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

/** The byte order mark the file starts with, if any. */
export function bomOf(head: Uint8Array): { encoding: CsvEncoding; length: number } | undefined {
  const bom = BOMS.find((b) => b.bytes.every((byte, i) => head[i] === byte));
  return bom && { encoding: bom.encoding, length: bom.bytes.length };
}

/** Bytes per code unit the tokenizer steps by (UTF-16 big-endian is turned little-endian before it). */
export const unitWidth = (encoding: CsvEncoding): 1 | 2 => (encoding.startsWith('utf-16') ? 2 : 1);

/**
 * The encoding of a file from its first bytes: a byte order mark; else UTF-16 when one byte of most pairs is zero
 * (ASCII text in UTF-16 without a mark); else UTF-8 when the bytes are valid UTF-8; else Windows-1252, the usual
 * encoding of spreadsheet exports on Windows.
 */
export function detectEncoding(head: Uint8Array): CsvEncoding {
  const bom = bomOf(head);
  if (bom) return bom.encoding;
  const pairs = Math.min(head.length >> 1, 4096);
  if (pairs >= 2) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) evenZeros++;
      if (head[2 * i + 1] === 0) oddZeros++;
    }
    if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
    if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  }
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes of it.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = head[end - back]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) {
      end -= back;
      break;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

// Windows-1252 differs from Latin-1 in 0x80–0x9F only (Node 20's TextDecoder decodes it as Latin-1, so the table
// is here; the five bytes Windows-1252 leaves undefined keep their C1 code points, as the WHATWG decoder does).
export const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/g;
const HAS_C1 = /[\u0080-\u009f]/;

/** Decodes bytes [start, end) of a buffer (UTF-16 already little-endian) to text. */
export function cellDecoder(encoding: CsvEncoding): (bytes: Buffer, start: number, end: number) => string {
  switch (encoding) {
    case 'utf-8':
      return (bytes, start, end) => bytes.toString('utf8', start, end);
    case 'utf-16le':
    case 'utf-16be':
      return (bytes, start, end) => bytes.toString('utf16le', start, end);
    case 'windows-1252':
      return (bytes, start, end) => {
        const text = bytes.toString('latin1', start, end);
        return HAS_C1.test(text) ? text.replace(C1, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!) : text;
      };
  }
}

/**
 * UTF-16 chunks as little-endian ones of whole code units (a unit cut between chunks is carried to the next);
 * other encodings' chunks as they are.
 */
export async function* littleEndian(
  chunks: AsyncIterable<Uint8Array>,
  encoding: CsvEncoding,
): AsyncGenerator<Uint8Array> {
  if (unitWidth(encoding) === 1) {
    yield* chunks;
    return;
  }
  let carry: number | undefined;
  for await (const chunk of chunks) {
    const joined = carry === undefined ? chunk : Buffer.concat([Uint8Array.of(carry), chunk]);
    const even = joined.length & ~1;
    carry = even < joined.length ? joined[even] : undefined;
    if (even === 0) continue;
    if (encoding === 'utf-16le') {
      yield joined.subarray(0, even);
      continue;
    }
    const swapped = Buffer.from(joined.subarray(0, even));
    swapped.swap16();
    yield swapped;
  }
  if (carry !== undefined) yield Uint8Array.of(carry);
}
