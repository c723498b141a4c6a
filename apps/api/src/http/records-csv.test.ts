import { describe, expect, it } from 'vitest';
import { csvField, csvLine, RECORDS_CSV_HEADER } from './records-csv.ts';

describe('the run report CSV (RFC 4180)', () => {
  it('leaves plain values bare and empty for null', () => {
    expect(csvField('a@example.com')).toBe('a@example.com');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('quotes a value holding a comma, a quote, CR or LF, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
  });

  it('neutralizes spreadsheet formulas: a value starting with =, +, -, @, tab or CR gets a leading quote', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
    expect(csvField('+1+cmd|/C calc!A0')).toBe("'+1+cmd|/C calc!A0");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('a=b@example.com')).toBe('a=b@example.com');
    expect(
      csvLine({
        sourceId: '=1+1',
        email: '=cmd@x',
        outcome: 'ignored',
        reason: 'invalid_pattern',
        suggestion: null,
      }),
    ).toBe("'=1+1,'=cmd@x,ignored,invalid_pattern,");
  });

  it('writes the columns of the header in order', () => {
    expect(RECORDS_CSV_HEADER).toBe('source_id,email,outcome,reason,suggestion');
    expect(
      csvLine({
        sourceId: 'row,1',
        email: 'john@gnail.com',
        outcome: 'ignored',
        reason: 'invalid_pattern',
        suggestion: 'john@gmail.com',
      }),
    ).toBe('"row,1",john@gnail.com,ignored,invalid_pattern,john@gmail.com');
    expect(
      csvLine({ sourceId: '7', email: null, outcome: 'ignored', reason: 'empty_email', suggestion: null }),
    ).toBe('7,,ignored,empty_email,');
  });
});
