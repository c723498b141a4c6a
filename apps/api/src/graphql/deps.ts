import type { ConnectorRegistry } from '@leadsync/connector-sdk';
import type { Database, SecretBox } from '@leadsync/db';
import type { Sync, SyncRun } from '@leadsync/db/schema';
import type { Engine } from '@leadsync/engine';

/** What the API needs of the engine: kept narrow so the API's tests and benches state what they rely on. */
export type EnginePort = Pick<
  Engine,
  | 'connectorContext'
  | 'checkCredentials'
  | 'draftContext'
  | 'queueRun'
  | 'handleRejectedCredentials'
  | 'undoRun'
>;

/** What the API needs of the job queue (`JobQueue` of `@leadsync/jobs`; test doubles return anything). */
export interface SchedulerPort {
  /** Creates/updates the sync's one job at its next run time and stores `next_run_at` on the sync. */
  scheduleSync(sync: Sync): Promise<unknown>;
  unscheduleSync(organizationId: string, syncId: string): Promise<unknown>;
  /** A one-off job that executes this queued run now. */
  enqueueRun(run: SyncRun, connectorId: string): Promise<unknown>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RateLimitOptions {
  /** Requests a key may make in a burst. */
  burst: number;
  /** Sustained requests per second per key. */
  perSecond: number;
}

/** Everything the GraphQL layer and the HTTP routes are built from. */
export interface ApiDeps {
  db: Database;
  secretBox: SecretBox;
  registry: ConnectorRegistry;
  engine: EnginePort;
  scheduler: SchedulerPort;
  logger: Logger;
  allowedHosts: readonly string[];
  now?: () => Date;
}
