import { describe, expect, it } from 'vitest';
import { minimalCapabilities } from './capabilities.ts';
import { RunRejectionsQuery, syncDetailQuery, syncListQuery, syncRunQuery } from './operations.ts';

describe("a run's rejected records in the operations (issue 24)", () => {
  const caps = { ...minimalCapabilities, runRejections: true };

  it('lists of runs ask only the count; the reasons are asked for the one run a report shows', () => {
    for (const query of [syncListQuery, syncDetailQuery]) {
      expect(query(caps)).toMatch(/\brejectedCount\b/);
      expect(query(caps)).not.toMatch(/\brejections\b/);
    }
    expect(syncRunQuery(caps)).toMatch(/\brejectedCount rejections\b/);
    expect(RunRejectionsQuery).toMatch(/syncRun\(id: \$id\) \{ id rejectedCount rejections \}/);
  });

  it('an API without the fields is never asked for them', () => {
    for (const query of [syncListQuery, syncRunQuery, syncDetailQuery]) {
      expect(query(minimalCapabilities)).not.toMatch(/\brejectedCount\b|\brejections\b/);
    }
  });
});
