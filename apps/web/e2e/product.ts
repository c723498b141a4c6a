import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment a user has when typing `pnpm start`: without the test runner's variables
 * (vitest sets NODE_ENV=test) and without a database or job-store override, so the embedded default runs.
 */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_ENV' || key.startsWith('VITEST') || key === 'TEST') continue;
    if (['DATABASE_URL', 'TEST_DATABASE_URL', 'MONGODB_URL'].includes(key)) continue;
    if (key.startsWith('LEADSYNC_')) continue;
    env[key] = value;
  }
  return env;
}

/** The `tsx src/main.ts` processes under `root` (the product's server), found through `ps`. */
function serverProcesses(root: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }));
  const descendants = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (descendants.has(p.ppid) && !descendants.has(p.pid)) {
        descendants.add(p.pid);
        grew = true;
      }
    }
  }
  const servers = table.filter((p) => descendants.has(p.pid) && /tsx.*src\/main\.ts/.test(p.args));
  // The outermost one (tsx's CLI) passes the signal on to the Node process it started.
  const outer = servers.filter((p) => !servers.some((q) => q.pid === p.ppid));
  return outer.map((p) => p.pid);
}

export interface RunningProduct {
  baseUrl: string;
  adminKey: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * `pnpm start` from the repository root on a fresh data directory and a free port, ready once /healthz says so.
 * With LEADSYNC_E2E_BASE_URL and LEADSYNC_E2E_ADMIN_KEY set, the test uses that running instance instead
 * (for debugging the console against a server you started yourself).
 */
export async function startProduct(
  options: { timeoutMs?: number; allowedHosts?: string[] } = {},
): Promise<RunningProduct> {
  const timeoutMs = options.timeoutMs ?? 360_000;
  const attached = process.env.LEADSYNC_E2E_BASE_URL;
  if (attached) {
    return {
      baseUrl: attached.replace(/\/$/, ''),
      adminKey: process.env.LEADSYNC_E2E_ADMIN_KEY ?? '',
      logFile: '(attached)',
      stop: async () => undefined,
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'leadsync-e2e-'));
  const port = await freePort();
  const adminKey = `e2e-admin-${randomBytes(18).toString('hex')}`;
  const logFile = join(dataDir, 'product.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn('pnpm', ['start'], {
    cwd: repoRoot,
    env: {
      ...cleanEnvironment(),
      LEADSYNC_DATA_DIR: join(dataDir, 'data'),
      PORT: String(port),
      LEADSYNC_ADMIN_KEY: adminKey,
      // The webhook the console test adds (nothing listens on the discard port) and the test's own sources; the
      // sandbox is allowed anyway.
      LEADSYNC_ALLOWED_HOSTS: ['127.0.0.1:9', ...(options.allowedHosts ?? [])].join(','),
    },
    // Its own process group, so stopping it stops everything it started (API, worker, PostgreSQL).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const baseUrl = `http://127.0.0.1:${port}`;

  const waitForExit = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (exited !== null) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };

  const stop = async () => {
    if (exited === null && child.pid) {
      // First the server process alone, as an operator's Ctrl-C would reach it: it stops the worker and its
      // embedded PostgreSQL in order. Then whatever is left of the process group.
      for (const pid of serverProcesses(child.pid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if (!(await waitForExit(30_000))) {
        signalGroup('SIGTERM');
        if (!(await waitForExit(15_000))) signalGroup('SIGKILL');
        await waitForExit(5_000);
      }
    }
    // Anything of the group that outlived pnpm (a tsx wrapper was seen orphaned) is ended too, so no test run
    // leaves a server behind.
    if (child.pid) {
      signalGroup('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      signalGroup('SIGKILL');
    }
    log.end();
    if (!process.env.LEADSYNC_E2E_KEEP) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop().catch(() => undefined);
      throw new Error(`pnpm start exited with code ${exited} before /healthz answered (log: ${logFile})`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) return { baseUrl, adminKey, logFile, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  await stop();
  throw new Error(`/healthz did not answer 200 within ${timeoutMs} ms (log: ${logFile})`);
}

/** Asks the API directly, as an integrator would. */
export async function graphql<T>(
  product: RunningProduct,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(`${product.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${product.adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}
