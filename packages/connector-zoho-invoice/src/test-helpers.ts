import type { ConnectorContext } from '@leadsync/connector-sdk';
import { LOOPBACK as DEFAULT_ALLOWED_HOSTS, silentLogger } from '@leadsync/zoho-accounts/testing';
import type { ZohoInvoiceCredentials, ZohoInvoiceSettings } from './settings.ts';
import type { ZohoInvoiceSimulator } from './simulator/types.ts';

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
