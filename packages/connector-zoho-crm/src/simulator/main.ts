import { startZohoCrmSimulator } from './server.ts';

// Standalone: `pnpm --filter @leadsync/connector-zoho-crm simulator` (PORT, SEED, RECORDS optional).
const simulator = await startZohoCrmSimulator({
  port: Number(process.env.PORT ?? 4011),
  seed: Number(process.env.SEED ?? 1),
  recordsPerModule: Number(process.env.RECORDS ?? 250),
});
console.log(
  JSON.stringify(
    {
      credentials: simulator.credentials,
      settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
      primaryEmail: simulator.primaryEmail,
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
