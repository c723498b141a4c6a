import { leadsyncVitestConfig } from '@leadsync/testing/vitest';

/**
 * postgres.js 3.4.9 throws an uncaught `TypeError: Cannot read properties of null (reading 'write')` from a
 * `setImmediate` in `nextWrite` when the server closes a connection while a small write is queued (upstream
 * porsager/postgres#1154 and #1208, fixes proposed in #1168 / #1209). The database-restart test provokes exactly
 * that on purpose; the data it checks is unaffected, so this one known error is reported on stderr instead of
 * failing the run. See README.md ("Findings"): in a product process the same error would end the process.
 */
function isKnownPostgresJsNextWriteCrash(error: { message?: string; stack?: string }): boolean {
  return (
    error.message === "Cannot read properties of null (reading 'write')" &&
    /postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? '') &&
    /nextWrite/.test(error.stack ?? '')
  );
}

export default leadsyncVitestConfig({
  database: true,
  config: {
    test: {
      onUnhandledError(error) {
        if (!isKnownPostgresJsNextWriteCrash(error)) return;
        process.stderr.write(
          'reliability: known postgres.js 3.4.9 nextWrite crash after a server shutdown (porsager/postgres#1208)\n',
        );
        return false;
      },
    },
  },
});
