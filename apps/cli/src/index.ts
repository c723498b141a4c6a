// `@leadsync/cli`: the commands as functions (dependencies and an output stream in, a result out), for tests and tools.
export {
  type CheckStatus,
  type DoctorCheck,
  type DoctorDeps,
  type DoctorResult,
  doctor,
  formatChecks,
} from './commands/doctor.ts';
export { EXPORT_BATCH, exportRunCsv, exportRunCsvToFile } from './commands/export-run.ts';
export {
  type MigrateDeps,
  type MigrateResult,
  type MigrationStatus,
  migrate,
  migrationStatus,
  prepareJobStore,
} from './commands/migrate.ts';
export { listSyncs, type SyncListRow } from './commands/sync-list.ts';
export {
  type RunProgress,
  runSync,
  type SyncRunDeps,
  type SyncRunResult,
  syncLockKey,
  writeRunReport,
} from './commands/sync-run.ts';
export { csvField, csvLine, RECORDS_CSV_HEADER } from './csv.ts';
export { type CliIo, createProgram, runCli } from './program.ts';
