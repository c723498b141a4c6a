import type { CostEstimate } from '../api/types.ts';
import { formatNumber } from './format.ts';

function count(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A share of a quota for people: "12%", "0.4%", "<0.1%". */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return '100%';
  const pct = (part / whole) * 100;
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10}%`;
}

/**
 * The review step's cost line: "About 900 records; about 12 requests to the source: 9 list pages, 0 detail
 * requests, 3 for the deletion check — about 1.2% of the account's daily quota of 1,000 (830 left)." An
 * estimate that is a lower bound only says "at least" and that the exact figure is unknown; a quota never seen
 * is "unknown".
 */
export function describeCost(estimate: CostEstimate): string {
  const unknown = estimate.accuracy === 'unknown';
  const about = unknown ? 'at least' : 'about';
  const records = unknown
    ? `At least ${count(estimate.records, 'record', 'records')} (the exact number is unknown until the first run)`
    : `About ${count(estimate.records, 'record', 'records')}`;
  if (estimate.requests === 0) return `${records}; no requests to the source.`;
  const parts = [
    estimate.listRequests != null ? count(estimate.listRequests, 'list page', 'list pages') : null,
    estimate.detailRequests != null
      ? count(estimate.detailRequests, 'detail request', 'detail requests')
      : null,
    estimate.deletionRequests != null
      ? `${formatNumber(estimate.deletionRequests)} for the deletion check`
      : null,
  ].filter((p): p is string => p !== null);
  const requests = `${about} ${count(estimate.requests, 'request', 'requests')} to the source${
    parts.length ? `: ${parts.join(', ')}` : ''
  }`;
  const quota = estimate.dailyQuota;
  const share =
    quota === undefined
      ? ''
      : quota === null
        ? " — the share of the account's daily quota is unknown (not seen yet)"
        : ` — ${about} ${formatShare(estimate.requests, quota.limit)} of the account's daily quota of ${formatNumber(
            quota.limit,
          )} (${quota.remaining > 0 ? `${formatNumber(quota.remaining)} left` : 'none left'})`;
  return `${records}; ${requests}${share}.`;
}
