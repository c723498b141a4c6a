import { EnvironmentError } from '@leadsync/worker/env';
import { loadApiEnvironment } from './env.ts';
import { startLeadsync } from './start.ts';

/** `pnpm start`: one process tree with the API, the worker and the console on one port. */
async function main() {
  let env: ReturnType<typeof loadApiEnvironment>;
  try {
    env = loadApiEnvironment();
  } catch (error) {
    if (error instanceof EnvironmentError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await startLeadsync(env);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    try {
      await app.stop();
      process.exit(0);
    } catch (error) {
      app.logger.error({ err: error }, 'stopped with an error');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Leadsync could not start: ${error.message}` : error);
  process.exit(1);
});
