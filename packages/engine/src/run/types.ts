import type { MappedValues } from '@leadsync/core';
import type { Database, RunTarget } from '@leadsync/db';
import type { UpdatePolicy } from '@leadsync/db/schema';

/** What one run writes for, fixed when it starts. */
export interface RunScope extends RunTarget {
  db: Database;
  updatePolicy: UpdatePolicy;
}

/** A source record in scope, mapped. */
export interface PreparedRecord {
  sourceId: string;
  modifiedAt: Date | undefined;
  mapped: MappedValues;
  hash: string;
}

/**
 * The run's own checkpoint (column `sync_runs.checkpoint`): the phase, the `since` the read started with (so a
 * resumed read asks the source exactly what the interrupted one did) and the connector's checkpoint.
 */
export interface RunCheckpoint {
  phase: 'read' | 'deletes' | 'done';
  since: string | null;
  source?: Record<string, unknown>;
}

/**
 * Records evaluated, mapped, hashed or classified between two turns of the event loop: API and worker share the
 * process in `pnpm start`, and a unit's CPU work must not hold the API's requests for more than a few milliseconds.
 */
export const CPU_SLICE_RECORDS = 250;
