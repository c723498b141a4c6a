import { describe, expect, it } from 'vitest';
import { addTotals, countOutcome, emptyTotals, totalsViolations } from './totals.ts';

describe('totals', () => {
  it('counts deleted records outside total', () => {
    const t = countOutcome(emptyTotals(), 'deleted');
    expect(t.deleted).toBe(1);
    expect(t.total).toBe(0);
    expect(totalsViolations(t)).toEqual([]);
  });

  it('needs a reason for an ignored outcome', () => {
    expect(() => countOutcome(emptyTotals(), 'ignored')).toThrow(/reason/);
  });

  it('adds two totals field by field', () => {
    const a = countOutcome(countOutcome(emptyTotals(), 'new'), 'ignored', 'bounced');
    const b = countOutcome(countOutcome(emptyTotals(), 're_added'), 'ignored', 'do_not_mail');
    const sum = addTotals(a, b);
    expect(sum).toMatchObject({ total: 4, newLeads: 1, reAdded: 1, ignored: 2 });
    expect(sum.ignoredBreakdown).toMatchObject({ bounced: 1, doNotMail: 1 });
    expect(totalsViolations(sum)).toEqual([]);
  });

  it('names every broken invariant', () => {
    const t = { ...emptyTotals(), total: 3, newLeads: 1, ignored: 1 };
    expect(totalsViolations(t)).toHaveLength(2);
  });
});
