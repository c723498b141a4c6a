import type { AnyConnector } from '@leadsync/connector-sdk';
import { countLiveSourceRecords, deletionsKnownSince, hasDeletionCandidates } from '@leadsync/db';
import type { Sync, SyncRun } from '@leadsync/db/schema';
import type { connectionContext } from '../context.ts';
import { EngineError } from '../errors.ts';
import type { RunDeps } from './execute.ts';
import { EmptyPages } from './source-units.ts';
import type { RunScope } from './types.ts';

/**
 * Deletion detection's first half (the second is @leadsync/db's `applyDeletions`, in the run's final transaction):
 * whether this run lists every source id, and the listing.
 */

/** The deletions feed is read from the start of the last run that knew every deletion minus this (clock skew). */
export const DELETION_FEED_OVERLAP_MS = 10 * 60 * 1000;

/** Whether and how the run looks for deletions; `feedSince`: by the connector's deletions feed, from then. */
export interface DeletionPlan {
  check: boolean;
  checked: boolean | null;
  feedSince?: Date;
}

/** Ids one run takes from a deletions feed (a bound on the run's memory). */
const MAX_FED_IDS = 1_000_000;

/** Requests a full listing may cost at most, as a share of the quota left above the reserve. */
const DELETION_LISTING_QUOTA_SHARE = 0.5;

/**
 * Whether this run lists every source id to find deletions: only when a record could be gone, at most once per the
 * sync's period (`deletionCheckHours`), and not when the source's daily quota left could not pay for the listing
 * twice over (the listing's pages are estimated from the records the sync tracks). `checked`: what the run tells
 * (`deletionsChecked`); true also when nothing could be missing.
 *
 * A connector with a deletions feed (`capabilities.deletionFeed`) is asked for its deletions on every run that does
 * not list (`feedSince`: since the last run that knew every deletion); the full listing stays, once per period, as
 * the fallback for what the feed misses. Without such a run (none yet, or its deletions held back) it lists.
 */
export async function deletionCheck(
  deps: Pick<RunDeps, 'now' | 'logger'>,
  scope: RunScope,
  sync: Sync,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  run: SyncRun,
): Promise<DeletionPlan> {
  const feed = async (): Promise<DeletionPlan | undefined> => {
    if (!connector.capabilities.deletionFeed || !connector.listDeletedIds) return undefined;
    const known = await deletionsKnownSince(scope.db, scope);
    if (!known) return undefined;
    return { check: false, checked: true, feedSince: new Date(known.getTime() - DELETION_FEED_OVERLAP_MS) };
  };
  if (!connector.capabilities.detectsDeletes || !connector.listIds)
    return (await feed()) ?? { check: false, checked: null };
  if (!(await hasDeletionCandidates(scope.db, scope))) return { check: false, checked: true };
  if (!connector.capabilities.listingCostsRequests) return { check: true, checked: true };
  const last = sync.deletionsCheckedAt?.getTime();
  const periodMs = sync.deletionCheckHours * 3_600_000;
  if (last !== undefined && deps.now().getTime() - last < periodMs) {
    const fed = await feed();
    if (fed) return fed;
    deps.logger.info({ runId: run.id }, 'deletions not looked for: the last full listing is recent');
    return { check: false, checked: false };
  }
  const quota = await connector.quota?.(ctx, { organizationId: sync.sourceOrganizationId });
  if (quota) {
    const tracked = await countLiveSourceRecords(scope.db, scope);
    const pages = Math.ceil(tracked / (connector.capabilities.listPageSize ?? 200)) + 1;
    const spare = quota.remaining - Math.ceil(quota.limit * 0.1);
    if (pages > spare * DELETION_LISTING_QUOTA_SHARE) {
      const fed = await feed();
      if (fed) return fed;
      deps.logger.info({ runId: run.id, pages, spare }, 'deletions not looked for: the source quota is low');
      return { check: false, checked: false };
    }
  }
  return { check: true, checked: true };
}

/** Every id the source lists now (`listIds`), in the connector's chunks, for a connector that detects deletions. */
export async function* listSourceIds(
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  sync: Pick<Sync, 'sourceOrganizationId' | 'activeRecordsOnly'>,
  maxEmptyPages: number | undefined,
): AsyncGenerator<readonly string[]> {
  if (!connector.listIds) return;
  const empty = new EmptyPages(maxEmptyPages);
  const request = { organizationId: sync.sourceOrganizationId, activeOnly: sync.activeRecordsOnly };
  for await (const ids of connector.listIds(ctx, request)) {
    empty.count(ids.length);
    yield ids;
  }
}

/** The ids the connector's deletions feed reports since `since` (`listDeletedIds`), at most MAX_FED_IDS. */
export async function readDeletionFeed(
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  sync: Pick<Sync, 'sourceOrganizationId'>,
  since: Date,
): Promise<string[]> {
  if (!connector.listDeletedIds) return [];
  const ids = new Set<string>();
  for await (const chunk of connector.listDeletedIds(ctx, {
    organizationId: sync.sourceOrganizationId,
    since,
  })) {
    for (const id of chunk) {
      if (typeof id === 'string' && id !== '') ids.add(id);
      if (ids.size > MAX_FED_IDS) {
        throw new EngineError(
          'invalid_input',
          `The source reports more than ${MAX_FED_IDS} deletions since the last run; nothing was deleted.`,
        );
      }
    }
  }
  return [...ids];
}

/** A whole listing in memory (read before the run's final transaction). */
export async function readAll(listing: AsyncIterable<readonly string[]>): Promise<string[]> {
  const all: string[] = [];
  for await (const ids of listing) for (const id of ids) all.push(id);
  return all;
}
