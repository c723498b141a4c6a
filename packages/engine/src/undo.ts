import { type Database, type UndoRefusal, undoSyncRun } from '@leadsync/db';
import type { SyncRun } from '@leadsync/db/schema';
import { NotFoundError, UndoRefusedError } from './errors.ts';

/** What a person is told when an undo is refused. */
function refusalMessage(refusal: UndoRefusal): string {
  switch (refusal) {
    case 'run_executing':
      return 'A run of this sync is executing; undo the run once that one has ended.';
    case 'dry_run':
      return 'A preview changed nothing, so there is nothing to undo.';
    case 'already_undone':
      return 'This run has already been undone.';
    case 'records_pruned':
      return "This run's records were pruned (the organization's retention): it cannot be undone.";
    case 'not_succeeded':
      return 'Only a run that succeeded can be undone.';
    case 'not_latest':
      return 'Only the latest run of a sync can be undone.';
    default:
      return refusal satisfies never;
  }
}

/**
 * Reverses the sync's latest succeeded real run (`undoSyncRun` of @leadsync/db: one transaction, set-based, what is
 * kept and why in the run's `undoReport`); `UndoRefusedError` or `NotFoundError` otherwise.
 */
export async function undoRun(db: Database, organizationId: string, runId: string): Promise<SyncRun> {
  const outcome = await undoSyncRun(db, organizationId, runId);
  switch (outcome.kind) {
    case 'undone':
      return outcome.run;
    case 'not_found':
      throw new NotFoundError('Run', runId);
    case 'refused':
      throw new UndoRefusedError(refusalMessage(outcome.refusal));
    default:
      return outcome satisfies never;
  }
}
