import { describe, expect, it } from 'vitest';
import { minimalCapabilities } from './capabilities.ts';
import { syncDetailQuery, syncListQuery, syncRunQuery } from './operations.ts';

describe("a run's rejected records in the operations (issue 24)", () => {
  const caps = { ...minimalCapabilities, runRejections: true };

  it('the list of syncs asks only the count; the queries behind a run report ask the reasons too', () => {
    expect(syncListQuery(caps)).toMatch(/\brejectedCount\b/);
    expect(syncListQuery(caps)).not.toMatch(/\brejections\b/);
    expect(syncRunQuery(caps)).toMatch(/\brejectedCount rejections\b/);
    expect(syncDetailQuery(caps)).toMatch(/\brejectedCount rejections\b/);
  });

  it('an API without the fields is never asked for them', () => {
    for (const query of [syncListQuery, syncRunQuery, syncDetailQuery]) {
      expect(query(minimalCapabilities)).not.toMatch(/\brejectedCount\b|\brejections\b/);
    }
  });
});
