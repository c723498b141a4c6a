import {
  type AnyConnector,
  ConnectorError,
  InvalidCredentialsError,
  MissingPermissionError,
  QuotaReachedError,
} from '@leadsync/connector-sdk';
import { compileMapping, earliestRetrieveFrom, validateRetrieveFrom } from '@leadsync/core';
import {
  type Database,
  failRun,
  findRunAnyOrganization,
  findSyncWithConnection,
  finishRun,
  markRunWaiting,
  resumeWaitingRun,
  SecretBoxError,
  setRunCheckpoint,
  startRun,
} from '@leadsync/db';
import type { Connection, Sync, SyncRun } from '@leadsync/db/schema';
import { type ContextDeps, connectionContext } from '../context.ts';
import { compileCriteria, criteriaFields } from '../criteria.ts';
import type { KeyChange } from '../engine.ts';
import { EngineError, NotFoundError } from '../errors.ts';
import { queueRunEvent } from '../webhook-events.ts';
import { deletionCheck, listSourceIds, readAll, readDeletionFeed } from './deletion-check.ts';
import { SourceUnits } from './source-units.ts';
import type { RunCheckpoint, RunScope } from './types.ts';
import { LostRun, writeUnits } from './write-units.ts';

/**
 * The run lifecycle: a queued (or waiting, or interrupted) run is started or resumed from its checkpoint, its units
 * are read and written (write-units.ts: the pipeline; unit-writer.ts and plan.ts: one unit), deletions are looked
 * for, and the run ends `succeeded`, `failed` or `waiting` (the source's quota) with its webhook event in the same
 * transaction. Every database step is a function of @leadsync/db (runs/lifecycle.ts).
 */

/** Later runs read from the last high-water mark minus this, so a record changed while a run read is not missed. */
export const INCREMENTAL_OVERLAP_MS = 10 * 60 * 1000;

export interface RunDeps extends ContextDeps {
  db: Database;
  now: () => Date;
  /** Source pages in a row without a record (read or listing) after which the run fails; default MAX_EMPTY_PAGES. */
  maxEmptyPages?: number;
  handleRejectedCredentials(organizationId: string, connectionId: string, change?: KeyChange): Promise<void>;
  /** After the commit of a run's end: its webhook deliveries (written in that transaction) can get their jobs. */
  deliveriesQueued(organizationId: string, deliveryIds: readonly string[]): Promise<void>;
  /** The connection gets `needs_permission` (its syncs stay as they are); `active` again once a run succeeds. */
  handleMissingPermission(organizationId: string, connectionId: string, ok: boolean): Promise<void>;
  /** Records per write unit (see WRITE_UNIT_RECORDS). */
  writeUnitRecords?: number;
}

export interface ExecuteRunOptions {
  /** Graceful stop: the page being written is finished and checkpointed, and the run stays `running` to resume. */
  signal?: AbortSignal;
  /**
   * Called after each committed page (the worker touches its job lock). If it throws, the caller has lost the run:
   * the engine stops at once, leaves the run `running` for whoever resumes it, and rethrows. It runs while the next
   * unit's transaction holds (or waits for) the organization's lead-write turn, uncommitted: it must not wait for
   * that turn itself.
   */
  heartbeat?: () => Promise<void>;
}

const getRun = findRunAnyOrganization;

/**
 * Where a run's read starts: the last successful high-water mark minus an overlap; on the first run the sync's
 * `retrieveFrom`, which may not reach further back than the connector's `maxLookbackDays` before the sync's creation
 * (without a `retrieveFrom`, the first run reaches exactly that far).
 */
export function readSince(sync: Sync, connector: AnyConnector): Date | undefined {
  if (sync.highWaterMark) return new Date(sync.highWaterMark.getTime() - INCREMENTAL_OVERLAP_MS);
  const window = { createdAt: sync.createdAt, maxLookbackDays: connector.capabilities.maxLookbackDays };
  if (!sync.retrieveFrom) return earliestRetrieveFrom(window) ?? undefined;
  const refused = validateRetrieveFrom(sync.retrieveFrom, window, connector.displayName);
  if (refused !== null) {
    throw new EngineError('invalid_input', `${refused}. Change the sync's "data to be retrieved" date.`);
  }
  return sync.retrieveFrom;
}

function parseCheckpoint(value: unknown): RunCheckpoint | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const cp = value as Partial<RunCheckpoint>;
  if (cp.phase !== 'read' && cp.phase !== 'deletes' && cp.phase !== 'done') return undefined;
  return { phase: cp.phase, since: typeof cp.since === 'string' ? cp.since : null, source: cp.source };
}

/** `ava.thompson@example.com` → `a…@example.com`: enough for a person to recognize, not the address itself. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '…';
  return `${email.slice(0, 1)}…${email.slice(at)}`;
}

/**
 * DESIGN.md §4: the source account's primary email is compared on every run. A change means the key now belongs to
 * someone else's account: the connection needs a new key, every sync of it is inactive (`primary_email_changed`),
 * and this run ends before reading or writing anything.
 */
async function checkPrimaryEmail(
  deps: RunDeps,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  connection: Connection,
  sync: Sync,
): Promise<void> {
  const stored = connection.primaryEmail;
  if (!connector.primaryEmail || !stored) return;
  const current = await connector.primaryEmail(ctx, sync.sourceOrganizationId);
  if (!current || current.trim().toLowerCase() === stored.trim().toLowerCase()) return;
  const change = `the account's primary email changed from ${maskEmail(stored)} to ${maskEmail(current)}`;
  await deps.handleRejectedCredentials(sync.organizationId, connection.id, {
    syncReason: 'primary_email_changed',
    statusReason: `${change.charAt(0).toUpperCase()}${change.slice(1)}: enter the account key again.`,
  });
  throw new EngineError(
    'invalid_input',
    `Nothing was imported: ${change}. Enter the key of the connection "${connection.name}" again; its syncs stay ` +
      'inactive until they are activated.',
  );
}

function userMessage(error: unknown, connection: Connection): string {
  if (error instanceof InvalidCredentialsError) {
    return (
      `The source refused the account key of the connection "${connection.name}". Enter a new key for the ` +
      'connection; its syncs stay inactive until they are activated again.'
    );
  }
  if (error instanceof ConnectorError) return error.userMessage;
  if (error instanceof EngineError) return error.message;
  if (error instanceof SecretBoxError) {
    return "The credentials of this connection cannot be read with the server's secret key; enter the key again.";
  }
  return 'The run failed unexpectedly. The leads imported so far are kept; the sync can be run again.';
}

/**
 * Runs a queued run, or resumes a `running` one from its stored checkpoint, to `succeeded` or `failed`.
 * See ExecuteRunOptions for the graceful stop and the heartbeat.
 */
export async function executeRun(
  deps: RunDeps,
  runId: string,
  options: ExecuteRunOptions = {},
): Promise<SyncRun> {
  const { db } = deps;
  let run = await getRun(db, runId);
  if (!run) throw new NotFoundError('Run', runId);
  if (run.status === 'succeeded' || run.status === 'failed') return run;
  const organizationId = run.organizationId;
  const found = await findSyncWithConnection(db, organizationId, run.syncId);
  if (!found) throw new NotFoundError('Sync of run', runId);
  const { sync, connection } = found;
  /** The run as stored now, after a step that found it changed by someone else (or ended). */
  const latest = async (fallback: SyncRun) => (await getRun(db, runId)) ?? fallback;

  const scope: RunScope = {
    db,
    organizationId,
    syncId: sync.id,
    runId: run.id,
    mailingListId: sync.mailingListId,
    dryRun: run.dryRun,
    updatePolicy: sync.updatePolicy,
  };
  try {
    const connector = deps.registry.get(connection.connectorId);
    let checkpoint = parseCheckpoint(run.checkpoint);
    if (run.status === 'waiting') {
      // The source's quota has reset (or a person asked again): the run goes on from its checkpoint.
      const resumed = await resumeWaitingRun(db, organizationId, run.id);
      if (!resumed) return latest(run);
      run = resumed;
    }
    if (run.status === 'queued' || !checkpoint) {
      checkpoint = { phase: 'read', since: readSince(sync, connector)?.toISOString() ?? null };
      const started = await startRun(db, organizationId, run.id, run.status, { ...checkpoint });
      if (!started) return latest(run);
      run = started;
    }
    if (connection.status === 'needs_new_key') {
      throw new EngineError(
        'invalid_input',
        `The connection "${connection.name}" needs a new account key before its syncs can run.`,
      );
    }
    const ctx = connectionContext(deps, connection, options.signal);
    await checkPrimaryEmail(deps, connector, ctx, connection, sync);

    if (checkpoint.phase === 'read') {
      const stopped = await readUnits(deps, scope, sync, connector, ctx, run, checkpoint, options);
      if (stopped) return latest(run);
      checkpoint = { ...checkpoint, phase: 'deletes' };
      await setRunCheckpoint(db, organizationId, run.id, { ...checkpoint });
    }

    const deletions = await deletionCheck(deps, scope, sync, connector, ctx, run);
    // A listing that costs requests (a rate-limited source) is read before the transaction, so that none is held
    // open while it lasts; a cheap one (a stored file) goes into the transaction's table as it comes, so that the
    // engine does not hold a file's million ids.
    const listing =
      deletions.check && connector.listIds
        ? listSourceIds(connector, ctx, sync, deps.maxEmptyPages)
        : undefined;
    const listed =
      listing && connector.capabilities.listingCostsRequests ? [await readAll(listing)] : listing;
    // A deletions feed (when the run does not list): the ids deleted since the last run that knew every deletion.
    const feed = deletions.feedSince
      ? await readDeletionFeed(connector, ctx, sync, deletions.feedSince)
      : undefined;
    const done: RunCheckpoint = { ...checkpoint, phase: 'done' };
    // RUN_SUCCEEDED commits with the run's end (outbox): a crash after the commit loses no webhook.
    const finished = await finishRun(
      db,
      scope,
      { listing: listed, feed, deletionsChecked: deletions.checked, checkpoint: { ...done } },
      (tx, row) => queueRunEvent(tx, row, sync),
    );
    if (finished.row && !scope.dryRun && connection.status === 'needs_permission')
      await deps.handleMissingPermission(organizationId, connection.id, true);
    if (finished.row) await deps.deliveriesQueued(organizationId, finished.deliveryIds);
    return finished.row ?? latest(run);
  } catch (error) {
    if (error instanceof LostRun) throw error.original;
    if (options.signal?.aborted) return latest(run);
    if (error instanceof QuotaReachedError) {
      // Not a failure: every committed unit stays, and the run goes on from its checkpoint once the quota resets.
      deps.logger.info(
        { runId, syncId: sync.id, resumeAt: error.resumeAt.toISOString() },
        'sync run waiting for the source quota',
      );
      return (
        (await markRunWaiting(db, organizationId, runId, error.resumeAt, error.userMessage)) ?? latest(run)
      );
    }
    if (error instanceof InvalidCredentialsError) {
      await deps.handleRejectedCredentials(organizationId, connection.id);
    }
    if (error instanceof MissingPermissionError && !run.dryRun) {
      await deps.handleMissingPermission(organizationId, connection.id, false);
    }
    const message = userMessage(error, connection);
    deps.logger.error({ err: error, runId, syncId: sync.id }, `sync run failed: ${message}`);
    // RUN_FAILED commits with the run's end (outbox).
    const failed = await failRun(db, organizationId, runId, message, (tx, row) =>
      queueRunEvent(tx, row, sync),
    );
    if (failed.row) await deps.deliveriesQueued(organizationId, failed.deliveryIds);
    return failed.row ?? latest(run);
  }
}

/** Reads and writes the source's units until it is done (false) or a graceful stop was asked for (true). */
async function readUnits(
  deps: RunDeps,
  scope: RunScope,
  sync: Sync,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  run: SyncRun,
  checkpoint: RunCheckpoint,
  options: ExecuteRunOptions,
): Promise<boolean> {
  const fields = [
    ...new Set([...sync.fieldMapping.map((m) => m.source), 'email', ...criteriaFields(sync.criteria)]),
  ];
  const pages = connector
    .read(ctx, {
      organizationId: sync.sourceOrganizationId,
      since: checkpoint.since ? new Date(checkpoint.since) : undefined,
      checkpoint: checkpoint.source,
      fields,
      activeOnly: sync.activeRecordsOnly,
    })
    [Symbol.asyncIterator]();
  const units = new SourceUnits({
    pages,
    checkpoint,
    seqStart: run.processedCount,
    mapper: compileMapping(sync.fieldMapping),
    inScope: sync.importMode === 'criteria' && sync.criteria ? compileCriteria(sync.criteria) : undefined,
    unitRecords: deps.writeUnitRecords,
    maxEmptyPages: deps.maxEmptyPages,
    onRejected: (rejected) =>
      deps.logger.warn({ runId: scope.runId, rejected }, 'the source sent unreadable records'),
  });
  return writeUnits(scope, units, options);
}
