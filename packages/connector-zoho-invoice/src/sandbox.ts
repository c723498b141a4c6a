import { type ConnectorSandbox, loopbackPortHosts } from '@leadsync/connector-sdk';
import { zohoInvoiceConnector } from './connector.ts';

/** Fixed, so the sandbox's contacts and credentials are the same on every start. */
const SANDBOX_SEED = 20_261_125;
const SANDBOX_CONTACTS = 3_000;

/**
 * `pnpm start`'s Zoho Invoice connection: the simulator, seeded with a few thousand realistic contacts (typos, role
 * addresses, duplicates, empty emails, custom fields), on a port of its own.
 */
export const sandbox: ConnectorSandbox = {
  connectorId: zohoInvoiceConnector.id,
  connectionName: 'Zoho Invoice (sandbox)',
  async start() {
    // Loaded here: the registry's users (the worker, the CLI) never start a simulator.
    const { startZohoInvoiceSimulator } = await import('./simulator/server.ts');
    const simulator = await startZohoInvoiceSimulator({
      seed: SANDBOX_SEED,
      contactsPerOrganization: SANDBOX_CONTACTS,
    });
    return {
      credentials: { ...simulator.credentials },
      // Not the testing export's helper: that one loads the test tooling.
      settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
      primaryEmail: simulator.primaryEmail,
      maskedKey: zohoInvoiceConnector.maskedKey?.(simulator.credentials),
      allowedHosts: loopbackPortHosts(Number(new URL(simulator.apiUrl).port)),
      logInfo: { apiUrl: simulator.apiUrl },
      close: () => simulator.close(),
    };
  },
};
