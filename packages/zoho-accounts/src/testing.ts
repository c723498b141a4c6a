import type { ConnectorContext, RecordPage, SourceConnector } from '@leadsync/connector-sdk';
import type { ZohoCredentials } from './tokens.ts';
import type { ZohoHttpOptions } from './transport.ts';

/**
 * What the Zoho connectors' tests and simulators share: fast client options, loopback hosts, settings that point at a
 * simulator, a token from one, and what a simulator's injected fault applies to.
 */

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

/**
 * What a simulator's token endpoint answers a refresh with the simulator's key (`overrides` replace form fields:
 * another `refresh_token`, a wrong `client_secret`): the status and the JSON body.
 */
export async function mintToken(
  sim: { accountsUrl: string; credentials: ZohoCredentials },
  overrides: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const c = sim.credentials;
  const response = await fetch(`${sim.accountsUrl}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: c.clientId,
      client_secret: c.clientSecret,
      refresh_token: c.refreshToken,
      ...overrides,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What a simulator's injected fault applies to: API paths after the API path (`/crm/v8`), or `/oauth/v2/token`. */
export interface FaultTarget {
  /** A path prefix; unset: every API call (not the token endpoint). */
  path?: string;
  /** Start after this many further API calls (default 0: the next matching call). */
  afterRequests?: number;
  /** How many responses it affects (default 1). */
  count?: number;
}
