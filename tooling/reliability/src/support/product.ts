import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@leadsync/db';

/** The API package's folder (`apps/api`), through this package's workspace link to it. */
export function apiPackageDir(): string {
  return realpathSync(fileURLToPath(new URL('../../node_modules/@leadsync/api', import.meta.url)));
}

/** Root fields of the API's committed schema (`apps/api/src/graphql/schema.graphql`), by root type. */
export async function rootFields(): Promise<{ query: string[]; mutation: string[] }> {
  const sdl = await readFile(join(apiPackageDir(), 'src/graphql/schema.graphql'), 'utf8');
  const fieldsOf = (type: string) => {
    const block = new RegExp(`^type ${type} \\{([\\s\\S]*?)^\\}`, 'm').exec(sdl)?.[1] ?? '';
    const withoutDocs = block.replace(/"""[\s\S]*?"""/g, '');
    // A field starts a line at two spaces of indentation; arguments are indented further.
    return [...withoutDocs.matchAll(/^ {2}(\w+)\s*[(:]/gm)].map((m) => m[1]!).sort();
  };
  return { query: fieldsOf('Query'), mutation: fieldsOf('Mutation') };
}

export interface RunningProduct {
  url: string;
  adminKey: string;
  /** Everything the process wrote to stdout and stderr so far (pino's JSON lines included). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The real `pnpm start` process (apps/api/src/main.ts under tsx) on an existing database, with the worker in
 * process, no sandbox, a fixed admin key and secret key, and debug logging so the logs say as much as they can.
 * `allowedHosts` is its `LEADSYNC_ALLOWED_HOSTS` (e.g. the simulator's `127.0.0.1:<port>`): nothing else is reachable.
 */
export async function startProduct(
  databaseUrl: string,
  allowedHosts: string,
  /** More environment for the process (NODE_ENV, limits). */
  extraEnv: Record<string, string> = {},
): Promise<RunningProduct> {
  const dataDir = await mkdtemp(join(tmpdir(), 'leadsync-product-'));
  const port = await freePort();
  const adminKey = `lsk_reliability_${randomBytes(18).toString('hex')}`;
  const apiDir = apiPackageDir();
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  let output = '';
  const child: ChildProcess = spawn(tsx, ['src/main.ts'], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LEADSYNC_DATA_DIR: dataDir,
      LEADSYNC_SECRET_KEY: randomBytes(32).toString('hex'),
      LEADSYNC_ADMIN_KEY: adminKey,
      LEADSYNC_SANDBOX: 'false',
      LEADSYNC_ALLOWED_HOSTS: allowedHosts,
      LOG_LEVEL: 'debug',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the product process exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the product process was not ready within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, adminKey, output: () => output, stop };
}
