import { startZohoInvoiceSimulator } from './server.ts';

// Standalone: `pnpm --filter @leadsync/connector-zoho-invoice simulator` (PORT, SEED, CONTACTS optional).
const port = Number(process.env.PORT ?? 4010);
const seed = Number(process.env.SEED ?? 1);
const contactsPerOrganization = Number(process.env.CONTACTS ?? 250);

const simulator = await startZohoInvoiceSimulator({ port, seed, contactsPerOrganization });
console.log(
  JSON.stringify(
    {
      apiUrl: simulator.apiUrl,
      accountsUrl: simulator.accountsUrl,
      credentials: simulator.credentials,
      primaryEmail: simulator.primaryEmail,
      organizations: simulator.organizations,
      settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
    },
    null,
    2,
  ),
);
const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
