// The simulator in its own process for bench/read.ts. Prints one JSON line when it listens; when its stdin
// closes it prints the CPU it spent serving (after seeding) and exits.
import { startZohoInvoiceSimulator } from '../src/simulator/index.ts';

const n = Number(process.argv[2] ?? 100_000);
const sim = await startZohoInvoiceSimulator({
  seed: 42,
  organizations: [{ organization_id: '900000001', name: 'Bench Inc.' }],
  contactsPerOrganization: n,
  rateLimit: false,
  tokenMintLimit: false,
});
const seeded = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    apiUrl: sim.apiUrl,
    accountsUrl: sim.accountsUrl,
    credentials: sim.credentials,
    organizationId: sim.organizations[0]?.organization_id,
    seedCpuSeconds: (seeded.user + seeded.system) / 1e6,
  })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  const used = process.cpuUsage(seeded);
  process.stdout.write(
    `${JSON.stringify({ serveCpuSeconds: (used.user + used.system) / 1e6, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`,
  );
  void sim.close().then(() => process.exit(0));
});
