/**
 * For the outbox test: executes one queued run with the real engine and kills its own process with SIGKILL the
 * moment the run's last transaction has committed (the engine's after-commit hook), before anything could give the
 * webhook delivery a job. Configured by DATABASE_URL, SECRET_KEY_HEX and RUN_ID.
 */

import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, SecretBox } from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import pino from 'pino';

const { DATABASE_URL, SECRET_KEY_HEX, RUN_ID } = process.env;
if (!DATABASE_URL || !SECRET_KEY_HEX || !RUN_ID)
  throw new Error('DATABASE_URL, SECRET_KEY_HEX and RUN_ID are required');
const handle = createDatabase(DATABASE_URL, { max: 2 });
const engine = createEngine({
  db: handle.db,
  secretBox: new SecretBox(Buffer.from(SECRET_KEY_HEX, 'hex')),
  registry: connectorRegistry,
  allowedHosts: [],
  logger: pino({ level: 'silent' }),
  events: {
    deliveriesQueued: async () => {
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => {});
    },
  },
});
await engine.executeRun(RUN_ID);
// Reached only when the run committed nothing to tell (which the test treats as a failure).
process.exit(3);
