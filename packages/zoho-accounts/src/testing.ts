import type { ConnectorContext, RecordPage, SourceConnector } from '@leadsync/connector-sdk';
import type { ZohoHttpOptions } from './transport.ts';

/** What the Zoho connectors' tests share: fast client options, loopback hosts, settings that point at a simulator. */

export { silentLogger } from '@leadsync/connector-sdk/testing';

/** The hosts a local simulator listens on. */
export const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** Client options that keep tests fast: a generous budget and millisecond backoff. */
export const FAST_TEST_OPTIONS = {
  requestsPerMinute: 600_000,
  burst: 10_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 2_000,
} as const satisfies ZohoHttpOptions;

/**
 * Client options for a local simulator driven at full speed: a budget that never waits, millisecond backoff, and no
 * planning of the daily quota (test runs are larger than a free plan's day).
 */
export const FAST_SIMULATOR_OPTIONS = {
  planDailyQuota: false,
  requestsPerMinute: 6_000_000,
  burst: 100_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 10_000,
} as const satisfies ZohoHttpOptions;

/** A connection's settings that point at a simulator. */
export function simulatorSettings(sim: { apiUrl: string; accountsUrl: string }) {
  return { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl };
}

/** Every page a read gives. */
export async function readAll<C, S>(
  connector: SourceConnector<C, S>,
  ctx: ConnectorContext<C, S>,
  request: Parameters<SourceConnector<C, S>['read']>[1],
): Promise<RecordPage[]> {
  const pages: RecordPage[] = [];
  for await (const page of connector.read(ctx, request)) pages.push(page);
  return pages;
}
