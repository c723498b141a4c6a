import type { ConnectorSandbox } from '@leadsync/connector-sdk';
import { zohoSandboxConnection } from '@leadsync/zoho-accounts';
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
    return zohoSandboxConnection(simulator, zohoInvoiceConnector.maskedKey);
  },
};
