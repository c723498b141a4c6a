import { describe, expect, it } from 'vitest';
import { formatDuration, formatTable, redactUrl } from './format.ts';

describe('output formatting', () => {
  it('aligns table columns under a rule and does not pad the last column', () => {
    expect(
      formatTable(
        ['id', 'name'],
        [
          ['1', 'short'],
          ['1234', 'x'],
        ],
      ),
    ).toBe('id    name\n────  ─────\n1     short\n1234  x\n');
  });

  it('gives durations in the unit a person reads', () => {
    expect(formatDuration(350)).toBe('350 ms');
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(187_000)).toBe('3 min 07 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });

  it('never prints a database password', () => {
    expect(redactUrl('postgres://postgres:s3cret@127.0.0.1:5432/leadsync')).toBe(
      'postgres://postgres:***@127.0.0.1:5432/leadsync',
    );
    expect(redactUrl('not a url')).not.toContain('not a url');
  });
});
