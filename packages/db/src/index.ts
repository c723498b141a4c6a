export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type DatabaseHandle,
  type Executor,
  type Schema,
  type Transaction,
} from './client.ts';
export {
  EmbeddedPostgresError,
  type EmbeddedPostgresOptions,
  freePort,
  type RunningPostgres,
  startEmbeddedPostgres,
  startScratchPostgres,
} from './embedded.ts';
export { logSafeError } from './log-safe.ts';
export { migrationsFolder, runMigrations } from './migrate.ts';
// The repositories' one export list (also `@leadsync/db/repositories`).
export * from './repositories/index.ts';
// The run pipeline's database functions.
export * from './runs/index.ts';
export { type DatabaseServer, type DatabaseServerOptions, openDatabaseServer } from './runtime.ts';
// SecretBox, SecretBoxError and the key's parse, generate and load-or-create.
export * from './secret-box.ts';
export { serverVersion, tableExists } from './server-checks.ts';
