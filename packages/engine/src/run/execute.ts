import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type AnyConnector,
  ConnectorError,
  InvalidCredentialsError,
  MissingPermissionError,
  QuotaReachedError,
  type RecordPage,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { compileMapping, earliestRetrieveFrom, type Mapper, validateRetrieveFrom } from '@leadsync/core';
import { type Database, isUuid, SecretBoxError, takeLeadWriteTurn } from '@leadsync/db';
import { type Connection, connections, type Sync, type SyncRun, syncRuns, syncs } from '@leadsync/db/schema';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { contentHash } from '../content-hash.ts';
import { type ContextDeps, connectionContext } from '../context.ts';
import { compileCriteria, criteriaFields, type Predicate } from '../criteria.ts';
import type { KeyChange } from '../engine.ts';
import { EngineError, NotFoundError } from '../errors.ts';
import { sendPrepared } from '../sql.ts';
import { queueRunEvent } from '../webhook-events.ts';
import { applyDeletions, hasDeletionCandidates, listedIdsTable } from './deletions.ts';
import {
  beginUnitWrite,
  NOTHING_CARRIED,
  type PageWrite,
  type PlannedUnit,
  planUnit,
  type UnitWrite,
} from './page.ts';
import { ReadAhead } from './read-ahead.ts';
import { CPU_SLICE_RECORDS, type PreparedRecord, type RunCheckpoint, type RunScope } from './types.ts';

/** The mass-deletion guard of a sync that has none stored (the column's default). */
const DEFAULT_DELETION_GUARD_PERCENT = 50;

/**
 * Source pages in a row without any record after which a run fails: a source answering endless empty pages (a
 * broken paging) would otherwise keep a run, and the sync's lock, for ever. A real source sends an empty page only
 * as its last, or while it skips records a filter leaves out (thousands of pages at most).
 */
export const MAX_EMPTY_PAGES = 10_000;

/** Counts a source's empty pages in a row; throws a sentence for a person past the limit. */
class EmptyPages {
  private inARow = 0;
  constructor(private readonly limit = MAX_EMPTY_PAGES) {}

  count(records: number): void {
    this.inARow = records > 0 ? 0 : this.inARow + 1;
    if (this.inARow > this.limit) {
      throw new EngineError(
        'invalid_input',
        `The source answered ${this.limit} empty pages in a row without ending its list, so the run stopped. ` +
          'The records written so far are kept; run the sync again later, and if it happens again, check the source.',
      );
    }
  }
}

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

class LostRun extends Error {
  constructor(readonly original: unknown) {
    super('heartbeat failed');
  }
}

async function getRun(db: Database, runId: string): Promise<SyncRun | undefined> {
  if (!isUuid(runId)) return undefined;
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  return run;
}

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
  const [sync] = await db
    .select()
    .from(syncs)
    .where(and(eq(syncs.organizationId, organizationId), eq(syncs.id, run.syncId)));
  const [connection] = sync
    ? await db
        .select()
        .from(connections)
        .where(and(eq(connections.organizationId, organizationId), eq(connections.id, sync.connectionId)))
    : [];
  if (!sync || !connection) throw new NotFoundError('Sync of run', runId);

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
      const [resumed] = await db
        .update(syncRuns)
        .set({ status: 'running', waitingUntil: null, waitingReason: null })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, 'waiting')))
        .returning();
      if (!resumed) return (await getRun(db, runId)) ?? run;
      run = resumed;
    }
    if (run.status === 'queued' || !checkpoint) {
      checkpoint = { phase: 'read', since: readSince(sync, connector)?.toISOString() ?? null };
      const [started] = await db
        .update(syncRuns)
        .set({
          status: 'running',
          startedAt: sql`coalesce(${syncRuns.startedAt}, now())`,
          checkpoint: { ...checkpoint },
        })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, run.status)))
        .returning();
      if (!started) return (await getRun(db, runId)) ?? run;
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
      const stopped = await readPages(deps, scope, sync, connector, ctx, run, checkpoint, options);
      if (stopped) return (await getRun(db, runId)) ?? run;
      checkpoint = { ...checkpoint, phase: 'deletes' };
      await db
        .update(syncRuns)
        .set({ checkpoint: { ...checkpoint } })
        .where(eq(syncRuns.id, run.id));
    }

    const deletions = await deletionCheck(deps, scope, sync, connector, ctx, run);
    const listing =
      deletions.check && connector.listIds
        ? connector.listIds(ctx, {
            organizationId: sync.sourceOrganizationId,
            activeOnly: sync.activeRecordsOnly,
          })
        : undefined;
    const empty = new EmptyPages(deps.maxEmptyPages);
    // A listing that costs requests (a rate-limited source) is read before the transaction, so that none is held
    // open while it lasts; a cheap one (a stored file) goes into the transaction's table as it comes, so that the
    // engine does not hold a file's million ids.
    let listed: string[] | undefined;
    if (listing && connector.capabilities.listingCostsRequests) {
      listed = [];
      for await (const ids of listing) {
        empty.count(ids.length);
        for (const id of ids) listed.push(id);
      }
    }
    const done: RunCheckpoint = { ...checkpoint, phase: 'done' };
    const finished = await db.transaction(async (tx) => {
      if (listing) {
        const table = await listedIdsTable(tx);
        if (listed) await table.add(listed);
        else {
          for await (const ids of listing) {
            empty.count(ids.length);
            await table.add(ids);
          }
        }
        listed = undefined;
        await table.close();
      }
      if (!scope.dryRun) await tx.execute(takeLeadWriteTurn(organizationId));
      const [current] = await tx
        .select({ processedCount: syncRuns.processedCount, highWaterMark: syncRuns.highWaterMark })
        .from(syncRuns)
        .where(eq(syncRuns.id, scope.runId));
      if (listing) {
        // Read here, under the write turn: a confirmation given while the run read is used by this run.
        const [guard] = await tx
          .select({ percent: syncs.deletionGuardPercent, confirmedAt: syncs.deletionsConfirmedAt })
          .from(syncs)
          .where(eq(syncs.id, scope.syncId))
          .for('update');
        const confirmed = guard?.confirmedAt != null;
        await applyDeletions(tx, scope, current?.processedCount ?? 0, {
          percent: guard?.percent ?? DEFAULT_DELETION_GUARD_PERCENT,
          confirmed,
        });
        if (confirmed && !scope.dryRun) {
          await tx.update(syncs).set({ deletionsConfirmedAt: null }).where(eq(syncs.id, scope.syncId));
        }
      }
      if (!scope.dryRun && deletions.checked) {
        await tx.update(syncs).set({ deletionsCheckedAt: sql`now()` }).where(eq(syncs.id, scope.syncId));
      }
      if (!scope.dryRun && current?.highWaterMark) {
        // A change of criteria, mapping or window saved while this run read asked for a whole re-read: the
        // high-water mark stays cleared for the next run.
        await tx
          .update(syncs)
          .set({
            highWaterMark: sql`case when ${syncs.rereadRequestedAt} is null
              or ${syncs.rereadRequestedAt} < (select ${syncRuns.startedAt} from ${syncRuns} where ${syncRuns.id} = ${scope.runId})
              then greatest(${syncs.highWaterMark}, ${current.highWaterMark.toISOString()}::timestamptz)
              else ${syncs.highWaterMark} end`,
          })
          .where(eq(syncs.id, scope.syncId));
      }
      const [row] = await tx
        .update(syncRuns)
        .set({
          status: 'succeeded',
          finishedAt: sql`now()`,
          checkpoint: { ...done },
          deletionsChecked: deletions.checked,
        })
        .where(and(eq(syncRuns.id, scope.runId), eq(syncRuns.status, 'running')))
        .returning();
      // RUN_SUCCEEDED commits with the run's end (outbox): a crash after the commit loses no webhook.
      return { row, deliveryIds: row ? await queueRunEvent(tx, row, sync) : [] };
    });
    if (finished.row && !scope.dryRun && connection.status === 'needs_permission')
      await deps.handleMissingPermission(organizationId, connection.id, true);
    if (finished.row) await deps.deliveriesQueued(organizationId, finished.deliveryIds);
    return finished.row ?? (await getRun(db, runId)) ?? run;
  } catch (error) {
    if (error instanceof LostRun) throw error.original;
    if (options.signal?.aborted) return (await getRun(db, runId)) ?? run;
    if (error instanceof QuotaReachedError) {
      // Not a failure: every committed unit stays, and the run goes on from its checkpoint once the quota resets.
      deps.logger.info(
        { runId, syncId: sync.id, resumeAt: error.resumeAt.toISOString() },
        'sync run waiting for the source quota',
      );
      const [waiting] = await db
        .update(syncRuns)
        .set({ status: 'waiting', waitingUntil: error.resumeAt, waitingReason: error.userMessage })
        .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'running')))
        .returning();
      return waiting ?? (await getRun(db, runId)) ?? run;
    }
    if (error instanceof InvalidCredentialsError) {
      await deps.handleRejectedCredentials(organizationId, connection.id);
    }
    if (error instanceof MissingPermissionError && !run.dryRun) {
      await deps.handleMissingPermission(organizationId, connection.id, false);
    }
    const message = userMessage(error, connection);
    deps.logger.error({ err: error, runId, syncId: sync.id }, `sync run failed: ${message}`);
    const failed = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(syncRuns)
        .set({ status: 'failed', finishedAt: sql`now()`, error: message })
        .where(and(eq(syncRuns.id, runId), sql`${syncRuns.status} in ('queued', 'running', 'waiting')`))
        .returning();
      // RUN_FAILED commits with the run's end (outbox).
      return { row, deliveryIds: row ? await queueRunEvent(tx, row, sync) : [] };
    });
    if (failed.row) await deps.deliveriesQueued(organizationId, failed.deliveryIds);
    return failed.row ?? (await getRun(db, runId)) ?? run;
  }
}

/** Requests a full listing may cost at most, as a share of the quota left above the reserve. */
const DELETION_LISTING_QUOTA_SHARE = 0.5;

/**
 * Whether this run lists every source id to find deletions: only when a record could be gone, at most once per the
 * sync's period (`deletionCheckHours`), and not when the source's daily quota left could not pay for the listing
 * twice over (the listing's pages are estimated from the records the sync tracks). `checked`: what the run tells
 * (`deletionsChecked`); true also when nothing could be missing.
 */
async function deletionCheck(
  deps: RunDeps,
  scope: RunScope,
  sync: Sync,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  run: SyncRun,
): Promise<{ check: boolean; checked: boolean | null }> {
  if (!connector.capabilities.detectsDeletes || !connector.listIds) return { check: false, checked: null };
  if (!(await hasDeletionCandidates(scope))) return { check: false, checked: true };
  if (!connector.capabilities.listingCostsRequests) return { check: true, checked: true };
  const last = sync.deletionsCheckedAt?.getTime();
  const periodMs = sync.deletionCheckHours * 3_600_000;
  if (last !== undefined && deps.now().getTime() - last < periodMs) {
    deps.logger.info({ runId: run.id }, 'deletions not looked for: the last full listing is recent');
    return { check: false, checked: false };
  }
  const quota = await connector.quota?.(ctx, { organizationId: sync.sourceOrganizationId });
  if (quota) {
    const [row] = await scope.db.execute<{ n: number }>(sql`
      select count(*)::int as n from source_records where sync_id = ${scope.syncId} and deleted_at is null`);
    const pages = Math.ceil((row?.n ?? 0) / (connector.capabilities.listPageSize ?? 200)) + 1;
    const spare = quota.remaining - Math.ceil(quota.limit * 0.1);
    if (pages > spare * DELETION_LISTING_QUOTA_SHARE) {
      deps.logger.info({ runId: run.id, pages, spare }, 'deletions not looked for: the source quota is low');
      return { check: false, checked: false };
    }
  }
  return { check: true, checked: true };
}

/**
 * Source pages are written in units of at least this many records (whole pages; fewer at the end): one transaction,
 * one checkpoint and one heartbeat per unit. Small source pages (Zoho Invoice sends 200) would otherwise pay the
 * per-transaction round trips and the engine/database turn-taking for every 200 records.
 */
export const WRITE_UNIT_RECORDS = 1000;
/** Source pages read ahead of the unit being written. */
const READ_AHEAD_PAGES = 10;

/** Reads and writes pages until the source is done (false) or a graceful stop was asked for (true). */
async function readPages(
  deps: RunDeps,
  scope: RunScope,
  sync: Sync,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  run: SyncRun,
  checkpoint: RunCheckpoint,
  options: ExecuteRunOptions,
): Promise<boolean> {
  const mapper = compileMapping(sync.fieldMapping);
  const inScope: Predicate | undefined =
    sync.importMode === 'criteria' && sync.criteria ? compileCriteria(sync.criteria) : undefined;
  const fields = [
    ...new Set([...sync.fieldMapping.map((m) => m.source), 'email', ...criteriaFields(sync.criteria)]),
  ];
  const unitRecords = deps.writeUnitRecords ?? WRITE_UNIT_RECORDS;
  const empty = new EmptyPages(deps.maxEmptyPages);
  let seq = run.processedCount;

  const pages = new ReadAhead<RecordPage>(
    connector
      .read(ctx, {
        organizationId: sync.sourceOrganizationId,
        since: checkpoint.since ? new Date(checkpoint.since) : undefined,
        checkpoint: checkpoint.source,
        fields,
        activeOnly: sync.activeRecordsOnly,
      })
      [Symbol.asyncIterator](),
    READ_AHEAD_PAGES,
  );

  /** The next unit of whole pages; undefined when the source is done. A source failure after some pages comes with them. */
  async function nextUnit(): Promise<SourceUnit | undefined> {
    const records: PreparedRecord[] = [];
    let readCount = 0;
    let rejected = 0;
    let highWaterMark: Date | undefined;
    let sourceCheckpoint: RecordPage['checkpoint'] | undefined;
    let failure: { error: unknown } | undefined;
    while (readCount < unitRecords) {
      let page: RecordPage | undefined;
      try {
        page = await pages.take();
      } catch (error) {
        // The pages read before the failure are still written (and checkpointed): the next run goes on from there.
        failure = { error };
        break;
      }
      if (!page) break;
      try {
        empty.count(page.records.length + (page.rejected?.length ?? 0));
      } catch (error) {
        // The pages before are written (and checkpointed), as for a source failure.
        failure = { error };
        break;
      }
      const newest = await prepare(page.records, mapper, inScope, records);
      if (newest !== undefined && (!highWaterMark || newest > highWaterMark.getTime()))
        highWaterMark = new Date(newest);
      readCount += page.records.length + (page.rejected?.length ?? 0);
      rejected += page.rejected?.length ?? 0;
      sourceCheckpoint = page.checkpoint;
    }
    if (sourceCheckpoint === undefined) {
      if (failure) throw failure.error;
      return undefined;
    }
    if (rejected > 0)
      deps.logger.warn({ runId: scope.runId, rejected }, 'the source sent unreadable records');
    let cleanedFields = 0;
    for (const record of records) cleanedFields += record.mapped.cleaned;
    const page: PageWrite = {
      records,
      readCount,
      highWaterMark,
      checkpoint: { ...checkpoint, source: sourceCheckpoint },
      seqStart: seq,
      cleanedFields,
    };
    seq += records.length;
    return { page, failure };
  }

  const send = <T extends object>(query: SQL) => sendPrepared<T>(scope.db, query);

  /**
   * Sends a unit's write; from the moment it holds the organization's write turn, the next unit is read, looked up
   * and planned beside it (so that the lookup misses only this unit's own writes, which it carries).
   */
  function startWrite(unit: SourceUnit, planned: PlannedUnit): UnitInFlight {
    let planNext!: (next: Promise<Upcoming | undefined>) => void;
    const next = new Promise<Upcoming | undefined>((resolve) => {
      planNext = resolve;
    });
    next.catch(() => {}); // awaited once the unit has committed; unwanted when the run stops before
    const write = beginUnitWrite(scope, planned, (turn, written) => {
      planNext(
        unit.failure
          ? Promise.resolve(undefined)
          : (async () => {
              const following = await nextUnit();
              return (
                following && {
                  unit: following,
                  planned: await planUnit(scope, following.page, written.carry, turn, send),
                }
              );
            })(),
      );
    });
    return { unit, write, next };
  }

  try {
    const first = await nextUnit();
    if (!first) return false;
    let current = startWrite(first, await planUnit(scope, first.page, NOTHING_CARRIED, undefined, send));
    for (;;) {
      // The next unit is sent as soon as it is planned, before this one commits: its transaction waits in the
      // database for this commit and goes on at once. It commits only after this unit's heartbeat, so a stop or a
      // lost run still ends right after this unit (the next one is rolled back).
      let abandoned = false;
      let sent: UnitInFlight | undefined;
      const following = current.next.then((next) => {
        if (next && !abandoned) sent = startWrite(next.unit, next.planned);
        return sent;
      });
      following.catch(() => {}); // awaited below, unless the run ends first
      /** The run ends after this unit: the next one, if it was sent, is rolled back (and never sent otherwise). */
      const abandon = async () => {
        abandoned = true;
        await sent?.write.finish(false);
      };
      try {
        await current.write.finish(true);
        if (current.unit.failure) throw current.unit.failure.error;
        if (options.heartbeat) {
          try {
            await options.heartbeat();
          } catch (error) {
            throw new LostRun(error);
          }
        }
      } catch (error) {
        await abandon();
        throw error;
      }
      if (options.signal?.aborted) {
        await abandon();
        return true;
      }
      const next = await following;
      if (!next) return false;
      current = next;
    }
  } finally {
    pages.stop();
  }
}

/** The next unit, read and planned. */
interface Upcoming {
  unit: SourceUnit;
  planned: PlannedUnit;
}

/** A unit whose write has been sent, and the next unit, planned once this one holds its turn. */
interface UnitInFlight {
  unit: SourceUnit;
  write: UnitWrite;
  next: Promise<Upcoming | undefined>;
}

/** Whole source pages written together (WRITE_UNIT_RECORDS), and the source's failure that ended them, if any. */
interface SourceUnit {
  page: PageWrite;
  failure: { error: unknown } | undefined;
}

/**
 * Appends the page's in-scope records, mapped, to `out`; resolves to the newest modification time (ms) of all its
 * records, out-of-scope ones included (the run's high-water mark covers everything read). Yields to the event loop
 * between slices of CPU_SLICE_RECORDS (criteria can be costly).
 */
async function prepare(
  records: SourceRecord[],
  mapper: Mapper,
  inScope: Predicate | undefined,
  out: PreparedRecord[],
): Promise<number | undefined> {
  let newest: number | undefined;
  for (let start = 0; start < records.length; start += CPU_SLICE_RECORDS) {
    if (start > 0) await yieldToEventLoop();
    const end = Math.min(records.length, start + CPU_SLICE_RECORDS);
    for (let i = start; i < end; i++) {
      const record = records[i]!;
      const t = record.modifiedAt ? Date.parse(record.modifiedAt) : Number.NaN;
      if (!Number.isNaN(t) && (newest === undefined || t > newest)) newest = t;
      if (inScope && !inScope(record.fields)) continue;
      const mapped = mapper(record.fields);
      out.push({
        sourceId: record.sourceId,
        modifiedAt: Number.isNaN(t) ? undefined : new Date(t),
        mapped,
        hash: contentHash(mapped),
      });
    }
  }
  return newest;
}
