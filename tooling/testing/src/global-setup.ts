import { runMigrations, startScratchPostgres } from '@leadsync/db';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { adminUrl: string; template: string };
  }
}

/**
 * Once per test run: reach PostgreSQL (TEST_DATABASE_URL, or an embedded server started here),
 * migrate a template database, and hand its name to the test files, which clone it.
 */
export default async function setup(project: TestProject) {
  // The same embedded server as `pnpm start` (binaries copied where root's `postgres` user reaches them, if needed).
  const server = await startScratchPostgres(process.env.TEST_DATABASE_URL);
  const adminUrl = server.url;
  const template = `leadsync_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${template}"`);
  await runMigrations(withDatabase(adminUrl, template));
  await admin.unsafe(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true`);
  project.provide('testDatabase', { adminUrl, template });

  return async () => {
    await admin.unsafe(`ALTER DATABASE "${template}" WITH IS_TEMPLATE false`);
    await admin.unsafe(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
