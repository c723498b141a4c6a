// Reads every contact of a simulator in another process through the connector and prints one JSON line: wall
// time, the reading process's CPU, and the simulator's CPU while serving. `tsx bench/read.ts [contacts] [runs]`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LOOPBACK, silentLogger } from '@leadsync/zoho-accounts/testing';
import { createZohoInvoiceConnector } from '../src/index.ts';

const n = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 1);
const script = fileURLToPath(new URL('./simulator-child.ts', import.meta.url));
// SIM_CPU_PROF=<dir>: write a CPU profile of the simulator there.
const profile = process.env.SIM_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SIM_CPU_PROF}`] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, String(n)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const info = JSON.parse((await lines.next()).value as string);

const connector = createZohoInvoiceConnector({
  requestsPerMinute: 600_000,
  burst: 10_000,
  planDailyQuota: false,
});
const ctx = {
  credentials: info.credentials,
  settings: {
    dataCenter: 'com' as const,
    apiUrl: info.apiUrl,
    accountsUrl: info.accountsUrl,
    includeContactPersons: false,
    activeContactsOnly: false,
  },
  logger: silentLogger,
  allowedHosts: LOOPBACK,
};
const results = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let records = 0;
  let rejected = 0;
  for await (const page of connector.read(ctx, {
    organizationId: info.organizationId,
    // The fields the engine benchmark maps.
    fields: ['email', 'first_name', 'last_name', 'company_name'],
  })) {
    records += page.records.length;
    rejected += page.rejected?.length ?? 0;
  }
  const used = process.cpuUsage(cpu);
  results.push({
    records,
    rejected,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    clientCpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
    clientSystemCpuSeconds: Number((used.system / 1e6).toFixed(2)),
  });
}
child.stdin!.end();
const served = JSON.parse((await lines.next()).value as string);
console.log(
  JSON.stringify({
    contacts: n,
    runs: results,
    simulatorSeedCpuSeconds: Number(info.seedCpuSeconds.toFixed(2)),
    simulatorServeCpuSeconds: Number(served.serveCpuSeconds.toFixed(2)),
    simulatorRssMb: Math.round(served.rssMb),
  }),
);
