/**
 * Text PostgreSQL can store. A UTF-8 database refuses the NUL character in `text` and `jsonb` (`\u0000` in JSON
 * too), and `jsonb` refuses an escaped unpaired surrogate (JSON.stringify writes one as `\udc00`; a `text` column
 * would silently get U+FFFD from the driver instead). Sources send both (a contact typed by hand, a corrupt export),
 * so every value a record brings is made storable here: NUL removed, an unpaired surrogate replaced by U+FFFD.
 */

/** Any character that might be unstorable: cheap to test for, rare in real text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const SUSPECT = /[\u0000\ud800-\udfff]/;
/** Exactly the unstorable ones: NUL, a high surrogate not followed by a low one, a low one not after a high one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether PostgreSQL would refuse (or, in a `text` column, alter) this text. */
export function isUnstorableText(text: string): boolean {
  if (!SUSPECT.test(text)) return false;
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text);
}

/** Where the first unstorable character is; -1 when there is none. */
export function firstUnstorableIndex(text: string): number {
  if (!SUSPECT.test(text)) return -1;
  UNSTORABLE.lastIndex = 0;
  const match = UNSTORABLE.exec(text);
  UNSTORABLE.lastIndex = 0;
  return match ? match.index : -1;
}

/**
 * The text with NUL characters removed (or replaced by `nul`) and unpaired surrogates replaced by U+FFFD; the same
 * string when clean.
 */
export function storableText(text: string, nul = ''): string {
  if (!isUnstorableText(text)) return text;
  return text.replace(UNSTORABLE, (match) => (match === '\u0000' ? nul : '\ufffd'));
}

/**
 * A value (text, or JSON-like arrays and objects, keys included) made storable; the same reference when nothing in
 * it had to change, so `storableValue(v) !== v` tells that it was cleaned.
 */
export function storableValue<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = storableValue(value[i]);
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return (copy ?? value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  let copy: Record<string, unknown> | undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, item] of entries) {
    const cleanKey = storableText(key);
    const cleanItem = storableValue(item);
    if (cleanKey !== key || cleanItem !== item) {
      copy ??= Object.fromEntries(entries.map(([k, v]) => [storableText(k), v]));
      copy[cleanKey] = cleanItem;
    }
  }
  return (copy ?? value) as T;
}
