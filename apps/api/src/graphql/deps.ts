import type { CheckResult, ConnectorContext, ConnectorRegistry } from '@leadsync/connector-sdk';
import type { Database, SecretBox } from '@leadsync/db';
import type { Connection, Sync, SyncRun } from '@leadsync/db/schema';

/**
 * What the API needs of the engine (`@leadsync/engine`'s `Engine` satisfies it structurally; see
 * helper-interfaces.md). Kept narrow so the API's tests and the bench state exactly what they rely on.
 */
export interface EnginePort {
  connectorContext(connection: Connection): ConnectorContext<unknown, unknown>;
  /** With the organization, settings may name its uploaded files. */
  checkCredentials(
    connectorId: string,
    credentials: unknown,
    settings: unknown,
    organizationId?: string,
  ): Promise<CheckResult>;
  /** A context for a connection not yet stored (previewSettings), with the organization's uploaded files. */
  draftContext(
    organizationId: string,
    connectorId: string,
    credentials: unknown,
    settings: unknown,
  ): ConnectorContext<unknown, unknown>;
  queueRun(
    organizationId: string,
    syncId: string,
    options: { trigger: 'manual' | 'initiate' | 'schedule' | 'preview'; dryRun?: boolean },
  ): Promise<SyncRun>;
  handleRejectedCredentials(organizationId: string, connectionId: string): Promise<unknown>;
  /** Reverses the sync's latest succeeded real run; refuses others with an `invalid_input` engine error. */
  undoRun(organizationId: string, runId: string): Promise<SyncRun>;
}

/** What the API needs of the worker's job scheduler (`createJobScheduler` of `@leadsync/worker`). */
export interface SchedulerPort {
  /** Creates/updates the sync's one job at its next run time and stores `next_run_at` on the sync. */
  scheduleSync(sync: Sync): Promise<unknown>;
  unscheduleSync(syncId: string): Promise<unknown>;
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
