import type { ConnectorSandbox } from '@leadsync/connector-sdk';
import { zohoSandboxConnection } from '@leadsync/zoho-accounts';
import { zohoCrmConnector } from './connector.ts';

/** Fixed, so the sandbox's records and credentials are the same on every start. */
const SANDBOX_SEED = 20_261_125;
const SANDBOX_LEADS = 3_000;
const SANDBOX_CONTACTS = 1_000;

/** `pnpm start`'s Zoho CRM connection: the simulator's leads and contacts, the free edition's daily credits reported. */
export const sandbox: ConnectorSandbox = {
  connectorId: zohoCrmConnector.id,
  connectionName: 'Zoho CRM (sandbox)',
  async start() {
    // Loaded here: the registry's users (the worker, the CLI) never start a simulator.
    const { startZohoCrmSimulator } = await import('./simulator/server.ts');
    const simulator = await startZohoCrmSimulator({
      seed: SANDBOX_SEED,
      recordsPerModule: { Leads: SANDBOX_LEADS, Contacts: SANDBOX_CONTACTS },
      credits: { limit: 5_000 },
    });
    return zohoSandboxConnection(simulator, zohoCrmConnector.maskedKey);
  },
};
