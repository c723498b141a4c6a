import type {
  CheckResult,
  ConnectorContext,
  ConnectorRegistry,
  Logger,
  RequestBudget,
} from '@leadsync/connector-sdk';
import {
  createDatabaseBudget,
  type Database,
  isUuid,
  markConnectionNeedsNewKey,
  queueSyncRun,
  type SecretBox,
  StoredFileRepository,
  setConnectionPermission,
} from '@leadsync/db';
import type { Connection, SyncRun } from '@leadsync/db/schema';
import { buildContext, type ContextDeps, checkCredentials, connectionContext } from './context.ts';
import { NotFoundError } from './errors.ts';
import { type ExecuteRunOptions, executeRun } from './run/execute.ts';
import { undoRun } from './undo.ts';
import { queueConnectionEvent } from './webhook-events.ts';

/**
 * Told after the fact. The engine writes run and connection events as webhook deliveries in the transaction of the
 * change they report (`webhook-events.ts`: the outbox), whether or not anyone listens; once that transaction has
 * committed it tells `deliveriesQueued`, so a worker can give them their jobs at once. A listener that throws, or a
 * process that dies before telling, loses nothing: the workers' dispatcher finds every delivery without a job. A
 * listener that throws is logged and never changes the run's outcome.
 */
export interface EngineEvents {
  deliveriesQueued(organizationId: string, deliveryIds: readonly string[]): Promise<void>;
}

export interface EngineDeps {
  db: Database;
  secretBox: SecretBox;
  registry: ConnectorRegistry;
  allowedHosts: readonly string[];
  logger: Logger;
  now?: () => Date;
  events?: EngineEvents;
  /** Source records written per transaction (whole pages); default WRITE_UNIT_RECORDS. */
  writeUnitRecords?: number;
  /** Empty source pages in a row after which a run fails; default MAX_EMPTY_PAGES. */
  maxEmptyPages?: number;
  /** The request budget of source accounts; default: in this database, shared by every process that uses it. */
  requestBudget?: RequestBudget;
}

/** What queued a run: a person (`manual`), the first import of `initiateSync`, the schedule, a preview. */
export type RunTrigger = 'manual' | 'initiate' | 'schedule' | 'preview';

export interface QueueRunOptions {
  trigger: RunTrigger;
  /** A preview: classifies everything, writes only the run and its records. Default: `trigger === 'preview'`. */
  dryRun?: boolean;
}

export interface Engine {
  /** Decrypts the connection's credentials (associated data: its id) and parses its settings. */
  connectorContext(connection: Connection): ConnectorContext<unknown, unknown>;
  /**
   * Validates with the connector's schemas (`InvalidConfigurationError` naming the field), then asks the source.
   * With the organization, settings may name its uploaded files.
   */
  checkCredentials(
    connectorId: string,
    credentials: unknown,
    settings: unknown,
    organizationId?: string,
  ): Promise<CheckResult>;
  /** A context for a connection not yet stored (a connector's `previewSettings`), with the organization's files. */
  draftContext(
    organizationId: string,
    connectorId: string,
    credentials: unknown,
    settings: unknown,
  ): ConnectorContext<unknown, unknown>;
  /**
   * Inserts a `queued` run. A sync has at most one real run queued or running: when it has one, that run is returned
   * instead of a second (previews are never refused).
   */
  queueRun(organizationId: string, syncId: string, options: QueueRunOptions): Promise<SyncRun>;
  /** Runs a queued run or resumes a `running` one; see ExecuteRunOptions. */
  executeRun(runId: string, options?: ExecuteRunOptions): Promise<SyncRun>;
  /**
   * The connection gets `needs_new_key`; every active sync of it becomes `inactive` (`credentials_changed`, or the
   * change's own reason: `primary_email_changed`).
   */
  handleRejectedCredentials(organizationId: string, connectionId: string, change?: KeyChange): Promise<void>;
  /** Reverses the sync's latest succeeded real run; `UndoRefusedError` (code `invalid_input`) otherwise. */
  undoRun(organizationId: string, runId: string): Promise<SyncRun>;
}

/** Why a connection needs a new key (DESIGN.md §4); without one, the source refused the key itself. */
export interface KeyChange {
  /** The syncs' `inactiveReason`. */
  syncReason: 'credentials_changed' | 'primary_email_changed';
  /** The connection's `statusReason`, for a person (emails masked). */
  statusReason: string;
}

export function createEngine(engineDeps: EngineDeps): Engine {
  const { db } = engineDeps;
  const deps: EngineDeps & ContextDeps = {
    ...engineDeps,
    files: (organizationId) => new StoredFileRepository(db, organizationId),
    requestBudget: engineDeps.requestBudget ?? createDatabaseBudget(db),
  };
  const now = deps.now ?? (() => new Date());

  async function handleRejectedCredentials(
    organizationId: string,
    connectionId: string,
    change: KeyChange = {
      syncReason: 'credentials_changed',
      statusReason: 'The source refused the account key.',
    },
  ): Promise<void> {
    if (!isUuid(connectionId)) throw new NotFoundError('Connection', connectionId);
    // The event commits with the change (outbox): CONNECTION_NEEDS_NEW_KEY only when the status changed.
    const { changed, deliveryIds } = await markConnectionNeedsNewKey(
      db,
      organizationId,
      connectionId,
      change,
      queueConnectionEvent,
    );
    deps.logger.warn(
      { organizationId, connectionId, reason: change.syncReason },
      'connection needs a new key',
    );
    if (changed) await deliveriesQueued(organizationId, deliveryIds);
  }

  async function deliveriesQueued(organizationId: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length > 0) await tell(() => deps.events?.deliveriesQueued(organizationId, deliveryIds));
  }

  async function handleMissingPermission(
    organizationId: string,
    connectionId: string,
    ok: boolean,
  ): Promise<void> {
    if (!isUuid(connectionId)) throw new NotFoundError('Connection', connectionId);
    await setConnectionPermission(db, organizationId, connectionId, ok);
    if (!ok) deps.logger.warn({ organizationId, connectionId }, 'the account key lacks a permission');
  }

  async function tell(listener: () => Promise<void> | undefined): Promise<void> {
    try {
      await listener();
    } catch (error) {
      deps.logger.error({ err: error }, 'an engine event listener failed');
    }
  }

  const runDeps = { ...deps, now, handleRejectedCredentials, deliveriesQueued, handleMissingPermission };

  return {
    connectorContext: (connection) => connectionContext(deps, connection),
    checkCredentials: (connectorId, credentials, settings, organizationId) =>
      checkCredentials(deps, connectorId, credentials, settings, organizationId),
    draftContext: (organizationId, connectorId, credentials, settings) =>
      buildContext(deps, deps.registry.get(connectorId), credentials, settings, undefined, organizationId),
    async queueRun(organizationId, syncId, options) {
      if (!isUuid(syncId)) throw new NotFoundError('Sync', syncId);
      const dryRun = options.dryRun ?? options.trigger === 'preview';
      const run = await queueSyncRun(db, organizationId, syncId, { trigger: options.trigger, dryRun });
      if (!run) throw new NotFoundError('Sync', syncId);
      return run;
    },
    executeRun: (runId, options) => executeRun(runDeps, runId, options),
    handleRejectedCredentials,
    undoRun: (organizationId, runId) => undoRun(db, organizationId, runId),
  };
}
