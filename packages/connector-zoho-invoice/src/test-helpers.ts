import type { ConnectorContext } from '@leadsync/connector-sdk';
import { LOOPBACK as DEFAULT_ALLOWED_HOSTS, silentLogger } from '@leadsync/zoho-accounts/testing';
import { afterEach } from 'vitest';
import type { ZohoInvoiceCredentials, ZohoInvoiceSettings } from './settings.ts';
import { startZohoInvoiceSimulator } from './simulator/server.ts';
import type { StartSimulatorOptions, ZohoInvoiceSimulator } from './simulator/types.ts';

export {
  FAST_TEST_OPTIONS as FAST,
  LOOPBACK as DEFAULT_ALLOWED_HOSTS,
  readAll,
  silentLogger,
} from '@leadsync/zoho-accounts/testing';

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

/**
 * Starts a test file's simulators with `defaults` (each start's options on top) and closes each after its test; the
 * afterEach hook is registered where this is called.
 */
export function simulators(defaults: StartSimulatorOptions) {
  let started: ZohoInvoiceSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.map((s) => s.close()));
    started = [];
  });
  return async (options: StartSimulatorOptions = {}): Promise<ZohoInvoiceSimulator> => {
    const s = await startZohoInvoiceSimulator({ ...defaults, ...options });
    started.push(s);
    return s;
  };
}

/** The source ids of a read's pages, in order. */
export const sourceIds = (pages: { records: { sourceId: string }[] }[]) =>
  pages.flatMap((p) => p.records.map((r) => r.sourceId));

/** The simulator's requests to list contacts. */
export const listCalls = (s: ZohoInvoiceSimulator) =>
  s.requests.filter((r) => r.path === '/invoice/v3/contacts');
