import { EmbeddedPostgresError } from '@leadsync/db';
import { exitOnShutdownSignals } from '@leadsync/runtime';
import { Command } from 'commander';
import { EnvironmentError, loadWorkerEnvironment } from './env.ts';
import { startWorker } from './worker.ts';

const program = new Command()
  .name('leadsync-worker')
  .description(
    'Runs Leadsync sync jobs from the shared job store (PostgreSQL, or MongoDB when MONGODB_URL is set).',
  )
  .option(
    '--connector <id>',
    'run only this connector’s syncs (repeat, or separate with commas); default: LEADSYNC_WORKER_CONNECTORS or all',
    (value: string, previous: string[]) => [
      ...previous,
      ...value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ],
    [] as string[],
  )
  // `pnpm start -- --connector x` passes the `--` through.
  .parse(process.argv.filter((arg, index) => !(index === 2 && arg === '--')));

const options = program.opts<{ connector: string[] }>();

try {
  const env = loadWorkerEnvironment();
  const worker = await startWorker(env, { connectors: options.connector });
  exitOnShutdownSignals(() => worker.stop(), worker.logger);
  worker.logger.info({ connectors: worker.scheduler.runs }, 'worker ready');
} catch (error) {
  process.stderr.write(
    `${error instanceof EnvironmentError || error instanceof EmbeddedPostgresError ? error.message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
}
