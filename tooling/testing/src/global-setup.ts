import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations, startEmbeddedPostgres } from '@leadsync/db';
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
  let stopServer: (() => Promise<void>) | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    tempDir = await mkdtemp(join(tmpdir(), 'leadsync-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: tempDir, persistent: false });
    adminUrl = server.url;
    stopServer = server.stop;
  }
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
    await stopServer?.();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
