import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../api/types.ts';
import { describeEvent } from './timeline.ts';

const base: TimelineEvent = {
  kind: 'RUN_RECORD',
  at: '2026-12-03T09:30:00Z',
  sync: { id: 's1', name: 'Zoho customers' },
  runId: 'r1',
  runNumber: 42,
  outcome: null,
  reason: null,
  suggestion: null,
  email: null,
  fromStatus: null,
  toStatus: null,
  mailingList: null,
  apiKeyName: null,
};
const now = new Date('2026-12-04T12:00:00Z');

describe('timeline sentences', () => {
  it('says why a run ignored an address, the way the issue words it', () => {
    const event = {
      ...base,
      outcome: 'IGNORED' as const,
      reason: 'GROUP_EMAIL' as const,
      email: 'info@acme.com',
    };
    expect(describeEvent(event, now, 'UTC')).toBe(
      '3 Dec 09:30 — sync Zoho customers (run 42): ignored, the address is a group address (info@…)',
    );
  });

  it('shows a typo as the source wrote it, with the suggestion', () => {
    const event = {
      ...base,
      outcome: 'IGNORED' as const,
      reason: 'INVALID_PATTERN' as const,
      email: 'john@gnail.com',
      suggestion: 'john@gmail.com',
    };
    expect(describeEvent(event, now, 'UTC')).toContain(
      'the source had john@gnail.com; did you mean john@gmail.com?',
    );
  });

  it('names the key that changed a status, and the year of an older event', () => {
    const event = {
      ...base,
      kind: 'STATUS_CHANGED' as const,
      at: '2025-01-02T08:05:00Z',
      runId: null,
      runNumber: null,
      sync: null,
      fromStatus: 'ACTIVE' as const,
      toStatus: 'BOUNCED' as const,
      apiKeyName: 'Ops',
    };
    expect(describeEvent(event, now, 'UTC')).toBe(
      '2 Jan 2025 08:05 — API key Ops: status set from active to bounced',
    );
  });

  it('says which list a deletion took the person off, and when a run was undone', () => {
    const removed = {
      ...base,
      kind: 'MEMBERSHIP_REMOVED' as const,
      runId: null,
      runNumber: null,
      sync: null,
      mailingList: { id: 'l', name: 'Newsletter' },
      apiKeyName: 'Ops',
    };
    expect(describeEvent(removed, now, 'UTC')).toBe(
      '3 Dec 09:30 — API key Ops: taken off the list Newsletter',
    );
    expect(describeEvent({ ...base, kind: 'UNDO', outcome: 'NEW' }, now, 'UTC')).toBe(
      '3 Dec 09:30 — sync Zoho customers (run 42): the run was undone, and with it what it did to this person',
    );
  });
});
