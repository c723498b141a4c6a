// What a sync run reads and writes (the engine's one way into the database for runs): the pipelined unit writes and
// their lookups, the run's states, deletions and undo.
export { markConnectionNeedsNewKey, setConnectionPermission } from './connection-status.ts';
export {
  countLiveSourceRecords,
  type DeletionGuard,
  type DeletionResult,
  deletionsKnownSince,
  hasDeletionCandidates,
  type IdListing,
} from './deletions.ts';
export {
  DEFAULT_DELETION_GUARD_PERCENT,
  type FinishRun,
  failRun,
  findRunAnyOrganization,
  findSyncWithConnection,
  finishRun,
  markRunWaiting,
  type OutboxWrite,
  queueSyncRun,
  resumeWaitingRun,
  setRunCheckpoint,
  startRun,
} from './lifecycle.ts';
export { type Pipeline, pipelinedTransaction, type Statement, sendPrepared } from './pipeline.ts';
export { type UndoOutcome, type UndoRefusal, undoSyncRun } from './undo.ts';
export {
  type RunTarget,
  type SourceRecordColumns,
  type UnitLeadRow,
  type UnitSourceRow,
  type UnitWrite,
  unitKnownSourceRecords,
  unitLeadLookup,
  unitRecordedUnlinkedEmails,
  unitWriteStatement,
} from './unit-write.ts';
