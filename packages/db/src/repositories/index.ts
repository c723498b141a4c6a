// `@leadsync/db/repositories`: the tenant-scoped repositories (also exported from `@leadsync/db`).
export {
  type ApiKeyPrincipal,
  ApiKeyRepository,
  type ApiKeyView,
  generateApiKey,
  hashApiKey,
} from './api-keys.ts';
export {
  ConnectionRepository,
  CREDENTIALS_CHANGED,
  type CreateConnectionInput,
  type UpdateConnectionInput,
} from './connections.ts';
export {
  decodeCursor,
  type Edge,
  encodeCursor,
  InvalidCursorError,
  MAX_PAGE_SIZE,
  type Page,
  type PageArgs,
  type PageInfo,
} from './cursor.ts';
export { isForeignKeyViolation, isUniqueViolation } from './errors.ts';
export { isUuid } from './ids.ts';
export {
  type LeadOrigin,
  type LeadTimeline,
  LeadTimelineRepository,
  type TimelineEntry,
  type TimelineEntryKind,
  type TimelineMembership,
} from './lead-timeline.ts';
export {
  emailKey,
  type LeadChangeActor,
  LeadRepository,
  type LeadSearch,
  type LeadStatusEntry,
  leadSearchText,
  type MarkableStatus,
} from './leads.ts';
export {
  DuplicateMailingListError,
  MailingListRepository,
  type MailingListWithCount,
} from './mailing-lists.ts';
export {
  findConnectionAcrossOrganizations,
  findSyncAcrossOrganizations,
  leadCountsAcrossOrganizations,
  listConnectionsAcrossOrganizations,
  listOrganizationIds,
  listSyncsAcrossOrganizations,
  type RunTotals,
  runDurationsAcrossOrganizations,
  runTotalsAcrossOrganizations,
  type SyncListEntry,
} from './operator.ts';
export {
  createOrganization,
  ensureDefaultOrganization,
  OrganizationRepository,
} from './organizations.ts';
export { createDatabaseBudget } from './request-budget.ts';
export { type PruneResult, pruneExpiredRunRecords } from './retention.ts';
export {
  type RunRecordFilter,
  type RunRecordInput,
  RunRecordRepository,
} from './run-records.ts';
export {
  type AppendResult,
  MAX_PENDING_UPLOADS,
  STORED_FILE_CHUNK_BYTES,
  type StoredFileInfo,
  StoredFileRepository,
} from './stored-files.ts';
export {
  type RunCounters,
  type RunTrigger,
  SyncRunRepository,
  type UpdateRunInput,
} from './sync-runs.ts';
export {
  type CreateSyncInput,
  SyncRepository,
  type UpdateSyncInput,
} from './syncs.ts';
export {
  type AttemptResult,
  type ClaimedDelivery,
  type CreateWebhookInput,
  findPendingWebhookDeliveries,
  findUndispatchedWebhookDeliveries,
  markWebhookDeliveriesDispatched,
  WEBHOOK_DELETED,
  type WebhookDeliveryLogEntry,
  WebhookRepository,
} from './webhooks.ts';
export {
  isLeadWriteTurnMoved,
  LEAD_WRITE_TURN_MOVED,
  leadWriteTurns,
  runLockKey,
  syncLockKey,
  takeLeadWriteTurn,
  takePlannedLeadWriteTurn,
  tryTakeSyncLockForTransaction,
  withSessionLock,
} from './write-turns.ts';
