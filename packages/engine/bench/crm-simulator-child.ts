// The Zoho CRM simulator in its own process, so the benchmark's RSS is the engine's alone.
// Prints one JSON line (urls and credentials) when it listens; exits when its stdin closes.
import { startZohoCrmSimulator } from '@leadsync/connectors/testing';

const n = Number(process.argv[2] ?? 100_000);
const sim = await startZohoCrmSimulator({
  seed: 42,
  recordsPerModule: { Leads: n, Contacts: 0 },
  concurrency: false,
});
process.stdout.write(
  `${JSON.stringify({ apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl, credentials: sim.credentials, organizationId: 'Leads' })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
