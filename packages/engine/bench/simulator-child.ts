// The Zoho Invoice simulator in its own process, so the benchmark's RSS is the engine's alone.
// Prints one JSON line (urls and credentials) when it listens; exits when its stdin closes.
import { startZohoInvoiceSimulator } from '@leadsync/connectors/testing';

const n = Number(process.argv[2] ?? 100_000);
const sim = await startZohoInvoiceSimulator({
  seed: 42,
  organizations: [{ organization_id: '900000001', name: 'Bench Inc.' }],
  contactsPerOrganization: n,
  rateLimit: false,
  tokenMintLimit: false,
});
process.stdout.write(
  `${JSON.stringify({
    apiUrl: sim.apiUrl,
    accountsUrl: sim.accountsUrl,
    credentials: sim.credentials,
    organizationId: sim.organizations[0]?.organization_id,
  })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
