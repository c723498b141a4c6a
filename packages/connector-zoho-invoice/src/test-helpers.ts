import type { ConnectorContext, Logger, RecordPage, SourceConnector } from '@leadsync/connector-sdk';
import type { ZohoInvoiceCredentials, ZohoInvoiceSettings } from './settings.ts';
import type { ZohoInvoiceSimulator } from './simulator/types.ts';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
export const DEFAULT_ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** Client options that keep tests fast: a generous budget and millisecond backoff. */
export const FAST = {
  requestsPerMinute: 600_000,
  burst: 10_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 2_000,
} as const;

export function contextFor(
  sim: ZohoInvoiceSimulator,
  overrides: Partial<ZohoInvoiceSettings> = {},
  extra: Partial<ConnectorContext<ZohoInvoiceCredentials, ZohoInvoiceSettings>> = {},
): ConnectorContext<ZohoInvoiceCredentials, ZohoInvoiceSettings> {
  return {
    credentials: sim.credentials,
    settings: {
      dataCenter: 'com',
      apiUrl: sim.apiUrl,
      accountsUrl: sim.accountsUrl,
      includeContactPersons: false,
      activeContactsOnly: false,
      ...overrides,
    },
    logger: silentLogger,
    allowedHosts: DEFAULT_ALLOWED_HOSTS,
    ...extra,
  };
}

export async function readAll(
  connector: SourceConnector<ZohoInvoiceCredentials, ZohoInvoiceSettings>,
  ctx: ConnectorContext<ZohoInvoiceCredentials, ZohoInvoiceSettings>,
  request: Parameters<typeof connector.read>[1],
): Promise<RecordPage[]> {
  const pages: RecordPage[] = [];
  for await (const page of connector.read(ctx, request)) pages.push(page);
  return pages;
}
