// `pnpm bench`: `zoho-crm.e2e`, n Zoho CRM leads (BENCH_N, default 100,000) through the real engine, beside the same n
// Zoho Invoice contacts in the same run, alternately (BENCH_ROUNDS rounds of Invoice then CRM, default 1), each run a
// process of its own (its peak RSS is its own) with the simulator in another. Prints one JSON line: the CRM run's
// leads/s and RSS, and the ratio of its leads/s to Invoice's (medians over the rounds). TEST_DATABASE_URL or
// DATABASE_URL names the server; with neither, an embedded PostgreSQL is started for the bench.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startScratchPostgres } from '@leadsync/db';

interface RunFigures {
  connector: string;
  total: number;
  seconds: number;
  cpu_seconds: number;
  rss_mb: number;
}

const n = Number(process.env.BENCH_N ?? 100_000);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);

function runOnce(connector: 'zoho-invoice' | 'zoho-crm'): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./connector-run.ts', import.meta.url)),
        connector,
        String(n),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, TEST_DATABASE_URL: server.url },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`the ${connector} run exited with ${code}`));
      else resolve(JSON.parse(line) as RunFigures);
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

try {
  const invoice: RunFigures[] = [];
  const crm: RunFigures[] = [];
  for (let round = 0; round < rounds; round++) {
    invoice.push(await runOnce('zoho-invoice'));
    crm.push(await runOnce('zoho-crm'));
  }
  const rate = (runs: RunFigures[]) => median(runs.map((r) => r.total / r.seconds));
  const crmRate = rate(crm);
  const invoiceRate = rate(invoice);
  console.log(
    JSON.stringify({
      bench: 'zoho-crm.e2e',
      value: Math.round(crmRate),
      unit: 'leads/s',
      n,
      rounds,
      rss_mb: Math.round(median(crm.map((r) => r.rss_mb))),
      ratio_vs_invoice: Number((crmRate / invoiceRate).toFixed(2)),
      invoice_leads_per_s: Math.round(invoiceRate),
      invoice_rss_mb: Math.round(median(invoice.map((r) => r.rss_mb))),
      // CPU of the run's process (engine and connector; not PostgreSQL's, nor the simulator's).
      cpu_seconds: Number(median(crm.map((r) => r.cpu_seconds)).toFixed(2)),
      invoice_cpu_seconds: Number(median(invoice.map((r) => r.cpu_seconds)).toFixed(2)),
      total: crm[0]?.total,
    }),
  );
} finally {
  await server.stop();
}
