import { describe, expect, it } from 'vitest';
import type { CostEstimate } from '../api/types.ts';
import { describeCost, formatShare } from './cost.ts';

const zoho: CostEstimate = {
  records: 900,
  requests: 12,
  listRequests: 9,
  detailRequests: 0,
  deletionRequests: 3,
  accuracy: 'about',
  note: null,
  dailyQuota: { limit: 1000, remaining: 830, resetAt: '2026-12-05T00:00:00Z' },
};

describe('describeCost', () => {
  it('gives the requests by kind and their share of the daily quota', () => {
    expect(describeCost(zoho)).toBe(
      "About 900 records; about 12 requests to the source: 9 list pages, 0 detail requests, 3 for the deletion check — about 1.2% of the account's daily quota of 1,000 (830 left).",
    );
  });

  it('says "at least" and "unknown" when the figures are a lower bound', () => {
    expect(
      describeCost({
        ...zoho,
        accuracy: 'unknown',
        records: 600,
        requests: 1,
        listRequests: 1,
        deletionRequests: 0,
      }),
    ).toBe(
      "At least 600 records (the exact number is unknown until the first run); at least 1 request to the source: 1 list page, 0 detail requests, 0 for the deletion check — at least 0.1% of the account's daily quota of 1,000 (830 left).",
    );
  });

  it('says the share is unknown when the quota was never seen, and none left when it is spent', () => {
    expect(describeCost({ ...zoho, dailyQuota: null })).toMatch(
      /check — the share of the account's daily quota is unknown \(not seen yet\)\.$/,
    );
    expect(describeCost({ ...zoho, dailyQuota: { limit: 1000, remaining: -4, resetAt: '' } })).toMatch(
      /\(none left\)\.$/,
    );
  });

  it('a file costs no request; an older API without the quota fields gets the short line', () => {
    expect(describeCost({ ...zoho, records: 7, requests: 0, dailyQuota: null })).toBe(
      'About 7 records; no requests to the source.',
    );
    expect(describeCost({ records: 5, requests: 2, listRequests: 1, detailRequests: 1, note: null })).toBe(
      'About 5 records; about 2 requests to the source: 1 list page, 1 detail request.',
    );
  });
});

describe('formatShare', () => {
  it('rounds to a tenth below 10% and to a whole above', () => {
    expect(formatShare(0, 1000)).toBe('0%');
    expect(formatShare(1, 100_000)).toBe('<0.1%');
    expect(formatShare(37, 1000)).toBe('3.7%');
    expect(formatShare(456, 1000)).toBe('46%');
    expect(formatShare(5, 0)).toBe('100%');
  });
});
