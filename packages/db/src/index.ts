export { type EmbeddedPostgresOptions, type RunningPostgres, startEmbeddedPostgres } from './embedded.ts';
export { migrationsFolder, runMigrations } from './migrate.ts';
export {
  generateSecretKey,
  loadOrCreateSecretKey,
  parseSecretKey,
  SecretBox,
  SecretBoxError,
} from './secret-box.ts';
