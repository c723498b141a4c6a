import { describe, expect, it } from 'vitest';
import { isUnstorableText, storableText, storableValue } from './storable.ts';

describe('text PostgreSQL can store', () => {
  it('removes NUL and replaces unpaired surrogates, keeping pairs (emoji) and everything else', () => {
    expect(storableText('a\u0000b')).toBe('ab');
    expect(storableText('x\ud800y')).toBe('x\ufffdy');
    expect(storableText('\udc00x')).toBe('\ufffdx');
    expect(storableText('end\ud83d')).toBe('end\ufffd');
    expect(storableText('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(storableText('tea 🍵 ok')).toBe('tea 🍵 ok');
    expect(storableText('plain')).toBe('plain');
    expect(isUnstorableText('🍵')).toBe(false);
    expect(isUnstorableText('\u0000')).toBe(true);
  });

  it('cleans nested values and keys, and keeps the same reference when nothing changed', () => {
    const clean = { a: ['x', 1, { b: 'y' }], c: null };
    expect(storableValue(clean)).toBe(clean);
    expect(storableValue({ 'k\u0000': ['x\ud800', 2], ok: 'fine' })).toEqual({
      k: ['x\ufffd', 2],
      ok: 'fine',
    });
    // Made storable, the value survives JSON for jsonb: no \u0000 and no lone surrogate escape.
    expect(JSON.stringify(storableValue({ v: 'a\u0000\udc00' }))).toBe('{"v":"a\ufffd"}');
  });
});
