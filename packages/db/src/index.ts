export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type DatabaseHandle,
  type Executor,
  type Schema,
  type Transaction,
} from './client.ts';
export { type EmbeddedPostgresOptions, type RunningPostgres, startEmbeddedPostgres } from './embedded.ts';
export { migrationsFolder, runMigrations } from './migrate.ts';
export {
  type ApiKeyPrincipal,
  ApiKeyRepository,
  type ApiKeyView,
  generateApiKey,
  hashApiKey,
} from './repositories/api-keys.ts';
export {
  ConnectionRepository,
  CREDENTIALS_CHANGED,
  type CreateConnectionInput,
  type UpdateConnectionInput,
} from './repositories/connections.ts';
export {
  decodeCursor,
  type Edge,
  encodeCursor,
  InvalidCursorError,
  MAX_PAGE_SIZE,
  type Page,
  type PageArgs,
  type PageInfo,
} from './repositories/cursor.ts';
export { isForeignKeyViolation, isUniqueViolation } from './repositories/errors.ts';
export { isUuid } from './repositories/ids.ts';
export {
  emailKey,
  LeadRepository,
  type LeadSearch,
  type LeadStatusEntry,
  leadSearchText,
  type MarkableStatus,
} from './repositories/leads.ts';
export {
  DuplicateMailingListError,
  MailingListRepository,
  type MailingListWithCount,
} from './repositories/mailing-lists.ts';
export {
  createOrganization,
  ensureDefaultOrganization,
  OrganizationRepository,
} from './repositories/organizations.ts';
export {
  type RunRecordFilter,
  type RunRecordInput,
  RunRecordRepository,
} from './repositories/run-records.ts';
export { type SeenSourceRecord, SourceRecordRepository } from './repositories/source-records.ts';
export {
  type RunCounters,
  type RunTrigger,
  SyncRunRepository,
  type UpdateRunInput,
} from './repositories/sync-runs.ts';
export {
  type CreateSyncInput,
  findDueSyncs,
  SyncRepository,
  type UpdateSyncInput,
} from './repositories/syncs.ts';
export {
  type AttemptResult,
  type ClaimedDelivery,
  type CreateWebhookInput,
  findPendingWebhookDeliveries,
  WEBHOOK_DELETED,
  WebhookRepository,
} from './repositories/webhooks.ts';
export { type DatabaseServer, type DatabaseServerOptions, openDatabaseServer } from './runtime.ts';
export {
  generateSecretKey,
  loadOrCreateSecretKey,
  parseSecretKey,
  SecretBox,
  SecretBoxError,
} from './secret-box.ts';
