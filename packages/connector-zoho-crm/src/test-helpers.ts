import type { ConnectorContext, Logger, RecordPage, SourceConnector } from '@leadsync/connector-sdk';
import type { ZohoCrmCredentials, ZohoCrmSettings } from './settings.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
export const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** Client options that keep tests fast: a generous budget and millisecond backoff. */
export const FAST = {
  requestsPerMinute: 600_000,
  burst: 10_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 2_000,
  defaultRetryAfterMs: 5,
} as const;

export type CrmContext = ConnectorContext<ZohoCrmCredentials, ZohoCrmSettings>;

export function contextFor(
  sim: ZohoCrmSimulator,
  extra: Partial<CrmContext> = {},
  settings: Partial<ZohoCrmSettings> = {},
): CrmContext {
  return {
    credentials: sim.credentials,
    settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl, ...settings },
    logger: silentLogger,
    allowedHosts: LOOPBACK,
    ...extra,
  };
}

export async function readAll(
  connector: SourceConnector<ZohoCrmCredentials, ZohoCrmSettings>,
  ctx: CrmContext,
  request: Parameters<typeof connector.read>[1],
): Promise<RecordPage[]> {
  const pages: RecordPage[] = [];
  for await (const page of connector.read(ctx, request)) pages.push(page);
  return pages;
}

export const idsOf = (pages: RecordPage[]) => pages.flatMap((p) => p.records.map((r) => r.sourceId));
