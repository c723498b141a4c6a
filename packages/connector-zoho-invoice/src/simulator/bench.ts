import { startZohoInvoiceSimulator } from './server.ts';
import type { ZohoInvoiceSimulator } from './types.ts';

/**
 * The simulator the benches read (this package's read bench, the engine's): one organization, `contacts` contacts
 * of seed 42, no rate limit and no limit on minting tokens, so that the bench measures the reader.
 */
export function startBenchSimulator(contacts: number): Promise<ZohoInvoiceSimulator> {
  return startZohoInvoiceSimulator({
    seed: 42,
    organizations: [{ organization_id: '900000001', name: 'Bench Inc.' }],
    contactsPerOrganization: contacts,
    rateLimit: false,
    tokenMintLimit: false,
  });
}

/** What a bench's simulator child prints on its first line: where it listens, the key and the organization. */
export function benchSimulatorInfo(sim: ZohoInvoiceSimulator) {
  return {
    apiUrl: sim.apiUrl,
    accountsUrl: sim.accountsUrl,
    credentials: sim.credentials,
    organizationId: sim.organizations[0]?.organization_id,
  };
}
