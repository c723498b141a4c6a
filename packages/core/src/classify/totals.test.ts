import { describe, expect, it } from 'vitest';
import {
  addTotals,
  addTotalsInto,
  breakdownSum,
  countOutcome,
  emptyTotals,
  type RunTotals,
  totalsViolations,
} from './totals.ts';

/** Totals with every count, the breakdown's too, set to `n`. */
const filled = (n: number): RunTotals =>
  JSON.parse(JSON.stringify(emptyTotals()), (_key, value) => (typeof value === 'number' ? n : value));

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

  it('adds every count, the deleted and the breakdown included; addTotals leaves its arguments as they were', () => {
    const a = filled(1);
    const b = filled(2);
    expect(addTotals(a, b)).toEqual(filled(3));
    expect(a).toEqual(filled(1));
    expect(b).toEqual(filled(2));
    expect(addTotalsInto(a, b)).toBe(a);
    expect(a).toEqual(filled(3));
  });

  it('sums the breakdown over every reason', () => {
    expect(breakdownSum(filled(2).ignoredBreakdown)).toBe(12);
  });

  it('names every broken invariant', () => {
    const t = { ...emptyTotals(), total: 3, newLeads: 1, ignored: 1 };
    expect(totalsViolations(t)).toHaveLength(2);
  });
});
