import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded.ts';

export interface DatabaseServerOptions {
  /** A server to use; when absent, the embedded PostgreSQL in `<dataDir>/pg` is started (or reused). */
  databaseUrl?: string;
  dataDir: string;
  onLog?: (line: string) => void;
  /** One line worth an operator's eye (info): where the embedded server's binaries run from, when copied. */
  onNotice?: (line: string) => void;
}

export interface DatabaseServer {
  url: string;
  /** True when this process started the embedded server and so stops it. */
  owned: boolean;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The database of a Leadsync process. With no URL it runs the embedded server; a second process on the same data
 * directory (a worker beside `pnpm start`) reuses the running one instead of fighting over the cluster.
 */
export async function openDatabaseServer(options: DatabaseServerOptions): Promise<DatabaseServer> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, owned: false, embedded: false, stop: async () => {} };
  }
  const dir = join(options.dataDir, 'pg');
  const running = await runningEmbeddedUrl(dir);
  if (running) return { url: running, owned: false, embedded: true, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: dir,
    persistent: true,
    onLog: options.onLog,
    onNotice: options.onNotice,
  });
  const url = new URL(server.url);
  url.pathname = '/leadsync';
  await ensureDatabase(server.url, 'leadsync');
  return { url: url.toString(), owned: true, embedded: true, stop: server.stop };
}

async function runningEmbeddedUrl(dir: string): Promise<string | undefined> {
  if (!existsSync(join(dir, 'server.json'))) return undefined;
  try {
    const { port, password } = JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as {
      port: number;
      password: string;
    };
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/leadsync`;
    const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`SELECT 1`;
      return url;
    } finally {
      await probe.end();
    }
  } catch {
    // Nothing answers (the usual case: no other process runs it): this process starts it.
    return undefined;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SELECT 1 AS present FROM pg_database WHERE datname = ${name}`;
    if (!row) await sql.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await sql.end();
  }
}
