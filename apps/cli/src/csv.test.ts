import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv.ts';

describe('CSV fields (RFC 4180)', () => {
  it('leaves plain values alone and writes null as an empty field', () => {
    expect(csvField('ada@example.com')).toBe('ada@example.com');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('quotes a field holding a comma, a quote, CR or LF, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('writes the columns source_id, email, outcome, reason, suggestion in that order', () => {
    expect(
      csvLine({
        sourceId: 'c-1',
        email: 'john@gnail.com',
        outcome: 'ignored',
        reason: 'invalid_pattern',
        suggestion: 'john@gmail.com',
      }),
    ).toBe('c-1,john@gnail.com,ignored,invalid_pattern,john@gmail.com');
  });
});
