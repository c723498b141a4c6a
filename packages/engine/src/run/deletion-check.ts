import type { AnyConnector } from '@leadsync/connector-sdk';
import { countLiveSourceRecords, hasDeletionCandidates } from '@leadsync/db';
import type { Sync, SyncRun } from '@leadsync/db/schema';
import type { connectionContext } from '../context.ts';
import type { RunDeps } from './execute.ts';
import { EmptyPages } from './source-units.ts';
import type { RunScope } from './types.ts';

/**
 * Deletion detection's first half (the second is @leadsync/db's `applyDeletions`, in the run's final transaction):
 * whether this run lists every source id, and the listing.
 */

/** Requests a full listing may cost at most, as a share of the quota left above the reserve. */
const DELETION_LISTING_QUOTA_SHARE = 0.5;

/**
 * Whether this run lists every source id to find deletions: only when a record could be gone, at most once per the
 * sync's period (`deletionCheckHours`), and not when the source's daily quota left could not pay for the listing
 * twice over (the listing's pages are estimated from the records the sync tracks). `checked`: what the run tells
 * (`deletionsChecked`); true also when nothing could be missing.
 */
export async function deletionCheck(
  deps: Pick<RunDeps, 'now' | 'logger'>,
  scope: RunScope,
  sync: Sync,
  connector: AnyConnector,
  ctx: ReturnType<typeof connectionContext>,
  run: SyncRun,
): Promise<{ check: boolean; checked: boolean | null }> {
  if (!connector.capabilities.detectsDeletes || !connector.listIds) return { check: false, checked: null };
  if (!(await hasDeletionCandidates(scope.db, scope))) return { check: false, checked: true };
  if (!connector.capabilities.listingCostsRequests) return { check: true, checked: true };
  const last = sync.deletionsCheckedAt?.getTime();
  const periodMs = sync.deletionCheckHours * 3_600_000;
  if (last !== undefined && deps.now().getTime() - last < periodMs) {
    deps.logger.info({ runId: run.id }, 'deletions not looked for: the last full listing is recent');
    return { check: false, checked: false };
  }
  const quota = await connector.quota?.(ctx, { organizationId: sync.sourceOrganizationId });
  if (quota) {
    const tracked = await countLiveSourceRecords(scope.db, scope);
    const pages = Math.ceil(tracked / (connector.capabilities.listPageSize ?? 200)) + 1;
    const spare = quota.remaining - Math.ceil(quota.limit * 0.1);
    if (pages > spare * DELETION_LISTING_QUOTA_SHARE) {
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

/** A whole listing in memory (read before the run's final transaction). */
export async function readAll(listing: AsyncIterable<readonly string[]>): Promise<string[]> {
  const all: string[] = [];
  for await (const ids of listing) for (const id of ids) all.push(id);
  return all;
}
